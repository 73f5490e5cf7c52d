#!/usr/bin/env bash
# For users with Docker: a kind cluster running mini-istiod (with its validating admission webhook)
# and the bookinfo sample.
#   scripts/kind-up.sh                      # create (or reuse) the cluster, build + load the image, apply all
#   scripts/kind-up.sh certs DIR            # only write the webhook CA + serving cert into DIR
#   scripts/kind-up.sh webhook-config CA    # only print the ValidatingWebhookConfiguration, caBundle = CA
# The full run needs docker, kind, kubectl and openssl on PATH; the two helper commands need only
# openssl (the e2e tests run them). Re-running the full run rebuilds and re-applies everything,
# with a fresh webhook certificate.
#
# Environment: MINI_ISTIOD_WEBHOOK_EXTRA_SANS adds subjectAltNames to the serving certificate,
# comma-separated in openssl syntax (e.g. IP:127.0.0.1 for a webhook reached by URL on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=mini-istiod
image=mini-istiod:dev
namespace=mini-istiod
# The API server calls the webhook through its Service: mini-istiod.mini-istiod.svc (port 15017).
service_dns="mini-istiod.$namespace.svc"
tls_secret=mini-istiod-webhook-tls
webhook_manifest=manifests/install/webhook/validating-webhook-configuration.yaml

# A throwaway CA and a serving certificate it signs, as ca.crt, tls.crt and tls.key in $1.
make_certs() {
  local dir=$1
  command -v openssl > /dev/null || { echo "kind-up: openssl is required" >&2; exit 1; }
  mkdir -p "$dir"
  local sans="DNS:$service_dns,DNS:$service_dns.cluster.local"
  if [[ -n "${MINI_ISTIOD_WEBHOOK_EXTRA_SANS:-}" ]]; then
    sans+=",$MINI_ISTIOD_WEBHOOK_EXTRA_SANS"
  fi
  (
    cd "$dir"
    openssl genrsa -out ca.key 2048 2> /dev/null
    openssl req -x509 -new -key ca.key -subj "/CN=mini-istiod-webhook-ca" -days 365 -out ca.crt
    openssl genrsa -out tls.key 2048 2> /dev/null
    openssl req -new -key tls.key -subj "/CN=$service_dns" -out tls.csr
    # The API server checks subjectAltName only (never the CN).
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$sans" > tls.ext
    openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 \
      -extfile tls.ext -out tls.crt 2> /dev/null
    rm -f tls.csr tls.ext ca.srl
  )
}

# The shipped ValidatingWebhookConfiguration with caBundle set to the base64 PEM of $1.
webhook_config() {
  local bundle
  bundle=$(base64 < "$1" | tr -d '\n')
  grep -q "caBundle: ''" "$webhook_manifest" || {
    echo "kind-up: $webhook_manifest has no \`caBundle: ''\` to fill in" >&2
    exit 1
  }
  sed "s|caBundle: ''|caBundle: $bundle|" "$webhook_manifest"
}

case "${1:-up}" in
  certs)
    [[ $# -eq 2 ]] || { echo "usage: $0 certs DIR" >&2; exit 2; }
    make_certs "$2"
    exit 0
    ;;
  webhook-config)
    [[ $# -eq 2 ]] || { echo "usage: $0 webhook-config CA_FILE" >&2; exit 2; }
    webhook_config "$2"
    exit 0
    ;;
  up) ;;
  *)
    echo "usage: $0 [certs DIR | webhook-config CA_FILE]" >&2
    exit 2
    ;;
esac

for tool in docker kind kubectl openssl; do
  command -v "$tool" > /dev/null || { echo "kind-up: $tool is required" >&2; exit 1; }
done

if ! kind get clusters | grep -qx "$cluster"; then
  kind create cluster --config manifests/kind/kind-config.yaml
fi
ctx="kind-$cluster"
k() { kubectl --context "$ctx" "$@"; }

docker build -t "$image" .
kind load docker-image "$image" --name "$cluster"

k apply --server-side -f manifests/crds/istio-crds.yaml
k wait --for=condition=Established crd --all --timeout=60s

# The webhook's serving certificate must exist before the Deployment that mounts it.
certs=$(mktemp -d)
trap 'rm -rf "$certs"' EXIT
make_certs "$certs"
k apply -f manifests/install/namespace.yaml
k -n "$namespace" create secret tls "$tls_secret" \
  --cert="$certs/tls.crt" --key="$certs/tls.key" --dry-run=client -o yaml | k apply -f -

k apply -k manifests/install
k -n "$namespace" rollout restart deployment/mini-istiod
k -n "$namespace" rollout status deployment/mini-istiod --timeout=120s

# Only now: with failurePolicy Fail, Istio config cannot be written while the webhook is down.
webhook_config "$certs/ca.crt" | k apply -f -

# The bookinfo VirtualServices go through the webhook; its Service may need a moment for endpoints.
for attempt in 1 2 3 4 5; do
  if k apply -k manifests/bookinfo; then break; fi
  [[ $attempt -lt 5 ]] || exit 1
  echo "kind-up: retrying bookinfo in 3s (webhook not reachable yet?)" >&2
  sleep 3
done

echo "mini-istiod is running. Its ports on this machine:"
echo "  kubectl --context $ctx -n $namespace port-forward svc/mini-istiod 15010 15014"
echo "  curl localhost:15014/ready"
