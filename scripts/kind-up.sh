#!/usr/bin/env bash
# For users with Docker: a kind cluster running mini-istiod and the bookinfo sample.
#   scripts/kind-up.sh            # create (or reuse) the cluster, build + load the image, apply all
# Needs docker, kind and kubectl on PATH. Re-running it rebuilds and re-applies.
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=mini-istiod
image=mini-istiod:dev

for tool in docker kind kubectl; do
  command -v "$tool" > /dev/null || { echo "kind-up: $tool is required" >&2; exit 1; }
done

if ! kind get clusters | grep -qx "$cluster"; then
  kind create cluster --config manifests/kind/kind-config.yaml
fi
ctx="kind-$cluster"

docker build -t "$image" .
kind load docker-image "$image" --name "$cluster"

kubectl --context "$ctx" apply --server-side -f manifests/crds/istio-crds.yaml
kubectl --context "$ctx" wait --for=condition=Established crd --all --timeout=60s
kubectl --context "$ctx" apply -k manifests/install
kubectl --context "$ctx" -n mini-istiod rollout restart deployment/mini-istiod
kubectl --context "$ctx" -n mini-istiod rollout status deployment/mini-istiod --timeout=120s
kubectl --context "$ctx" apply -k manifests/bookinfo

echo "mini-istiod is running. Its ports on this machine:"
echo "  kubectl --context $ctx -n mini-istiod port-forward svc/mini-istiod 15010 15014"
echo "  curl localhost:15014/ready"
