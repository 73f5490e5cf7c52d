// Applies one resolved TrafficPolicy to a cluster (Istio's applyTrafficPolicy). Inbound clusters
// take only the connection pool; outbound ones also get h2 upgrade, outlier detection, load
// balancing and TLS.
import {
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { TrafficPolicy } from '../../model/istio-types.js';
import type { Protocol } from '../../model/service.js';
import { setH2, type ClusterDraft } from './cluster-draft.js';
import { applyConnectionPool } from './connection-pool.js';
import { applyLoadBalancer, clusterType } from './load-balancer.js';
import { applyOutlierDetection } from './outlier-detection.js';
import { applyUpstreamTls, type UpstreamTlsInput } from './upstream-tls.js';

export interface TrafficPolicyInput {
  policy: TrafficPolicy | undefined;
  direction: 'inbound' | 'outbound';
  protocol: Protocol;
  meshConnectTimeout: string;
  /** Absent for inbound clusters. */
  tls?: Omit<UpstreamTlsInput, 'tls'>;
}

export function applyTrafficPolicy(draft: ClusterDraft, input: TrafficPolicyInput): void {
  const policy = input.policy;
  const pool = policy?.connectionPool ?? {};
  applyConnectionPool(draft, pool, input.meshConnectTimeout);
  if (input.direction === 'outbound') {
    // Mesh default h2UpgradePolicy is DO_NOT_UPGRADE, so only an explicit UPGRADE on an HTTP port does.
    const upgrade = pool.http?.h2UpgradePolicy;
    if (upgrade === 'UPGRADE') setH2(draft);
    applyOutlierDetection(draft.cluster, policy?.outlierDetection);
    applyLoadBalancer(draft.cluster, policy?.loadBalancer);
    if (input.tls !== undefined) applyUpstreamTls(draft, { ...input.tls, tls: policy?.tls });
  }
  if (clusterType(draft.cluster) === Cluster_DiscoveryType.ORIGINAL_DST) {
    draft.cluster.lbPolicy = Cluster_LbPolicy.CLUSTER_PROVIDED;
  }
}
