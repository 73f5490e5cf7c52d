// The envoy.filters.network.tcp_proxy network filter: istiod names the stat prefix after the
// destination cluster (or the first of several weighted ones).
import { TcpProxySchema } from '../../gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
import type { WeightedCluster } from './l4-destination.js';
import { typedFilter, type TypedFilter } from './typed-config.js';

export const TCP_PROXY_FILTER = 'envoy.filters.network.tcp_proxy';

export function tcpProxyFilter(cluster: string, statPrefix: string = cluster): TypedFilter {
  return typedFilter(TCP_PROXY_FILTER, TcpProxySchema, {
    statPrefix,
    clusterSpecifier: { case: 'cluster', value: cluster },
  });
}

/** One destination → plain cluster; several → weighted_clusters. */
export function tcpProxyToDestinations(clusters: readonly WeightedCluster[]): TypedFilter {
  if (clusters.length === 1) return tcpProxyFilter(clusters[0].name);
  return typedFilter(TCP_PROXY_FILTER, TcpProxySchema, {
    statPrefix: clusters[0]?.name ?? 'tcp',
    clusterSpecifier: {
      case: 'weightedClusters',
      value: { clusters: clusters.map((c) => ({ name: c.name, weight: c.weight })) },
    },
  });
}
