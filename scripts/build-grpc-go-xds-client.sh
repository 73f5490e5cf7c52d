#!/usr/bin/env bash
# Builds grpc-go's xDS interop client and server (test infrastructure for e2e/grpc-go, issue #4)
# from the Go module proxy into a cache outside the repo, and prints the bin directory.
#
# Why v1.64.1: it is the last grpc-go release whose interop/xds/{client,server} packages live in
# the main google.golang.org/grpc module. Later releases moved them into nested modules that are
# not published on the module proxy, so `go install pkg@version` cannot reach them.
#
# Idempotent: a stamp file records the pinned version; a second run with the binaries present is a
# no-op. Set GRPC_GO_XDS_FORCE=1 to rebuild. A cold build (module download + compile) takes about
# 2.5 minutes on the 2-core CI machine; later builds reuse Go's module and build caches.
set -euo pipefail

GRPC_GO_VERSION="v1.64.1"
BIN_DIR="${GRPC_GO_XDS_BIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mini-istiod/bin}"
CLIENT="$BIN_DIR/grpc-go-xds-client"
SERVER="$BIN_DIR/grpc-go-xds-server"
STAMP="$BIN_DIR/grpc-go-xds.version"

if [[ "${GRPC_GO_XDS_FORCE:-0}" != "1" && -x "$CLIENT" && -x "$SERVER" && -f "$STAMP" &&
  "$(cat "$STAMP")" == "$GRPC_GO_VERSION" ]]; then
  echo "grpc-go xDS interop binaries $GRPC_GO_VERSION already in $BIN_DIR" >&2
  echo "$BIN_DIR"
  exit 0
fi

# CI machines have Go in /usr/local/go even when a login profile did not put it on PATH.
PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "error: 'go' is not on PATH; the grpc-go xDS interop client needs a Go toolchain to build" >&2
  exit 1
fi

mkdir -p "$BIN_DIR"
tmp_bin=$(mktemp -d)
trap 'rm -rf "$tmp_bin"' EXIT

start=$(date +%s)
# `go install pkg@version` builds outside any module, so the repo's files play no part; GOFLAGS
# from the environment could (e.g. -mod=vendor), so it is cleared for this command.
GOFLAGS=-buildvcs=false GOBIN="$tmp_bin" go install \
  "google.golang.org/grpc/interop/xds/client@$GRPC_GO_VERSION" \
  "google.golang.org/grpc/interop/xds/server@$GRPC_GO_VERSION"
# Both packages are named after their folder (client, server): give them unambiguous names.
mv -f "$tmp_bin/client" "$CLIENT"
mv -f "$tmp_bin/server" "$SERVER"
echo "$GRPC_GO_VERSION" >"$STAMP"
echo "built grpc-go xDS interop client and server $GRPC_GO_VERSION in $(($(date +%s) - start))s" >&2
echo "$BIN_DIR"
