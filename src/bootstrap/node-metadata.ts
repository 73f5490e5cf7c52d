// Node metadata with the keys istio-agent puts in a proxy's bootstrap (pkg/model/context.go
// NodeMetadata), limited to what a control plane reads: where the workload lives, who it is,
// and for proxyless gRPC the GENERATOR that selects gRPC-shaped config.
import type { JsonObject } from '@bufbuild/protobuf';
import type { BootstrapIdentity } from './bootstrap-options.js';

/**
 * The Istio release whose proxy a bootstrap impersonates. istiod gates a few behaviours on the
 * proxy's ISTIO_VERSION; claiming a current release gets current behaviour.
 */
export const ISTIO_PROXY_VERSION = '1.31.0';

/** istiod's default cluster id and mesh id for a single-cluster mesh. */
const CLUSTER_ID = 'Kubernetes';
const MESH_ID = 'cluster.local';

/**
 * Istio's service cluster: `<canonical name>.<namespace>`, the canonical name being the
 * canonical-name label, else `app`, else the workload (pod) name.
 */
export function serviceCluster(id: BootstrapIdentity): string {
  const name = id.labels?.['service.istio.io/canonical-name'] ?? id.labels?.app ?? id.podName;
  return `${name}.${id.namespace}`;
}

export function nodeMetadata(id: BootstrapIdentity, opts: { grpc?: boolean } = {}): JsonObject {
  const meta: JsonObject = {
    NAMESPACE: id.namespace,
    NAME: id.podName,
    INSTANCE_IPS: id.ip,
    ISTIO_VERSION: ISTIO_PROXY_VERSION,
    CLUSTER_ID,
    MESH_ID,
  };
  if (id.labels !== undefined) meta.LABELS = { ...id.labels };
  if (opts.grpc === true) meta.GENERATOR = 'grpc';
  return meta;
}
