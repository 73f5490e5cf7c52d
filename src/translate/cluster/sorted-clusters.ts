// A proxy's clusters sorted by name and the load assignments of its EDS clusters sorted by
// cluster name, as translateProxy returns them (EDS exactly for the EDS clusters sent, so every
// one of them warms). Most of both is the outbound part, one array shared by every proxy of a
// scope: it is deduplicated, sorted and given its assignments once per push and scope, then
// merged with the proxy's few own clusters (fixed and inbound).
import {
  Cluster_DiscoveryType,
  type Cluster,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ClusterLoadAssignment } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { clusterLabelsPart } from '../cache/proxy-keys.js';
import { memo, objectId } from '../cache/push-memo.js';
import { sharedEndpoints } from '../cache/shared-endpoints.js';
import {
  buildClusters,
  dedupeClusters,
  envoyClusterParts,
  type ClusterBuildOptions,
} from './build-clusters.js';

function byName(a: Cluster, b: Cluster): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function byClusterName(a: ClusterLoadAssignment, b: ClusterLoadAssignment): number {
  return a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0;
}

export function isEdsCluster(c: Cluster): boolean {
  return (
    c.clusterDiscoveryType.case === 'type' &&
    c.clusterDiscoveryType.value === Cluster_DiscoveryType.EDS
  );
}

/** Merges two lists sorted by `cmp` whose elements never compare equal. */
function mergeSorted<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): T[] {
  if (b.length === 0) return [...a];
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(cmp(a[i], b[j]) <= 0 ? a[i++] : b[j++]);
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/** The name a cluster's load assignment goes by. */
export const edsNameOf = (c: Cluster): string => c.edsClusterConfig?.serviceName || c.name;

/** A shared outbound cluster list, deduplicated and sorted, with its load assignments. */
interface OutboundView {
  clusters: readonly Cluster[];
  names: ReadonlySet<string>;
  edsNames: ReadonlySet<string>;
  /** One per EDS name, sorted by cluster name. */
  endpoints: readonly ClusterLoadAssignment[];
}

function buildOutboundView(
  proxy: Proxy,
  push: PushContext,
  outbound: readonly Cluster[],
): OutboundView {
  const clusters = dedupeClusters(outbound).sort(byName);
  const edsNames = new Set(clusters.filter(isEdsCluster).map(edsNameOf));
  return {
    clusters,
    names: new Set(clusters.map((c) => c.name)),
    edsNames,
    endpoints: sharedEndpoints(proxy, push, [...edsNames]).sort(byClusterName),
  };
}

/**
 * For a shared outbound list: memoized per list object and what the load assignments read of
 * the proxy (namespace, labels when rules select workloads, generator; see
 * cache/shared-endpoints.ts), so the sort, dedupe and assignment lookups run once per scope
 * rather than once per proxy.
 */
function sharedOutboundView(
  proxy: Proxy,
  push: PushContext,
  outbound: readonly Cluster[],
): OutboundView {
  const key = `ocv|${objectId(outbound)}|${proxy.namespace}|${clusterLabelsPart(proxy, push)}|${proxy.generator ?? ''}`;
  return memo(push, key, () => buildOutboundView(proxy, push, outbound));
}

/**
 * Clusters sorted by name and the assignments of the EDS ones, sorted by cluster name: the
 * shared outbound part merged with the proxy's few other clusters. Equal to deduplicating the
 * concatenation (first wins) and sorting, since names are unique after deduplication.
 */
export function sortedClustersAndEndpoints(
  proxy: Proxy,
  push: PushContext,
  opts: ClusterBuildOptions,
): { clusters: Cluster[]; endpoints: ClusterLoadAssignment[] } {
  if (proxy.generator === 'grpc') {
    const clusters = buildClusters(proxy, push, opts);
    const endpoints = sharedEndpoints(proxy, push, clusters.filter(isEdsCluster).map(edsNameOf));
    return { clusters: clusters.sort(byName), endpoints: endpoints.sort(byClusterName) };
  }
  const parts = envoyClusterParts(proxy, push, opts);
  const view =
    opts.shareKey === undefined
      ? buildOutboundView(proxy, push, parts.outbound)
      : sharedOutboundView(proxy, push, parts.outbound);
  const rest = dedupeClusters(parts.rest)
    .filter((c) => !view.names.has(c.name))
    .sort(byName);
  const restEds = [...new Set(rest.filter(isEdsCluster).map(edsNameOf))].filter(
    (n) => !view.edsNames.has(n),
  );
  return {
    clusters: mergeSorted(view.clusters, rest, byName),
    endpoints: mergeSorted(
      view.endpoints,
      sharedEndpoints(proxy, push, restEds).sort(byClusterName),
      byClusterName,
    ),
  };
}
