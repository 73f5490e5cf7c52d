#!/usr/bin/env bash
# Builds a real kube-apiserver and etcd for the Kubernetes e2e tests (e2e/kubernetes/) and caches
# them outside the repo, like controller-runtime's envtest binaries.
#
# Both come from the Go module proxy through the wrapper module in scripts/kube-test-env/ (one
# module graph, checksums pinned by its go.sum). The cache directory is keyed by the Kubernetes
# version; a second run finds both binaries and returns at once. Measured on a 2-core machine:
# cold (empty Go module and build caches) 520-660 s, warm Go caches 11 s, cached binaries 0 s.
#
# Prints the directory holding `kube-apiserver` and `etcd` on its last line.
# Environment: KUBE_TEST_ENV_DIR overrides the cache directory (the e2e tests read it too).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
module_dir="$here/kube-test-env"
k8s_version="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$module_dir/go.mod")"
etcd_version="$(awk '$1 == "go.etcd.io/etcd/server/v3" { print $2; exit }' "$module_dir/go.mod")"
bin_dir="${KUBE_TEST_ENV_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mini-istiod/kube/$k8s_version}"

if [[ -x "$bin_dir/kube-apiserver" && -x "$bin_dir/etcd" ]]; then
  echo "kube-test-env: kube-apiserver $k8s_version and etcd $etcd_version already in $bin_dir"
  echo "$bin_dir"
  exit 0
fi

# The Go toolchain's default install place, for shells whose PATH lacks it.
if ! command -v go > /dev/null && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="$PATH:/usr/local/go/bin"
fi
if ! command -v go > /dev/null; then
  echo "kube-test-env: Go is required to build kube-apiserver and etcd (https://go.dev/dl/)" >&2
  exit 1
fi

# Build in a scratch copy so `-mod=mod` never rewrites the committed go.mod/go.sum.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$module_dir/." "$work/"
mkdir -p "$bin_dir.partial"

minor="${k8s_version#v1.}"
minor="${minor%%.*}"
ldflags="-s -w"
# kube-apiserver derives its binary/emulation version from these; unset they read v0.0.0-master.
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

echo "kube-test-env: building kube-apiserver $k8s_version and etcd $etcd_version (cold: ~9-11 min on 2 cores)"
start=$(date +%s)
(
  cd "$work"
  export GOFLAGS=-mod=mod CGO_ENABLED=0
  go build -trimpath -ldflags "$ldflags" -o "$bin_dir.partial/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  go build -trimpath -ldflags "-s -w" -o "$bin_dir.partial/etcd" go.etcd.io/etcd/server/v3
)
rm -rf "$bin_dir"
mv "$bin_dir.partial" "$bin_dir"
echo "kube-test-env: built in $(($(date +%s) - start))s"
echo "$bin_dir"
