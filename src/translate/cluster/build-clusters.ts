// Entry point: every Cluster istiod would send one proxy (Istio's buildClusters), in istiod's
// order. Sidecars: outbound clusters, BlackHoleCluster, PassthroughCluster, inbound clusters,
// InboundPassthroughCluster. Gateways: outbound clusters and BlackHoleCluster. Proxyless gRPC:
// only the requested EDS clusters. Duplicate names keep the first (normalizeClusters).
import type { Cluster } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import {
  blackHoleCluster,
  inboundPassthroughCluster,
  passthroughCluster,
} from './fixed-clusters.js';
import { buildGrpcClusters } from './grpc-clusters.js';
import { parseSubsetKey } from '../common/cluster-name.js';
import { sharedOutboundClusters, sharedOutboundClustersForPort } from '../cache/shared-clusters.js';
import { sharedInboundClusters } from '../cache/shared-inbound.js';
import { memo } from '../cache/push-memo.js';

export interface ClusterBuildOptions {
  /** Sidecar egress scoping (computed by the listener side's SidecarScope); default: all exported. */
  isServiceVisible?: (service: Service) => boolean;
  isServicePortVisible?: (service: Service, port: number) => boolean;
  /** Proxyless gRPC: the cluster names requested; undefined = all. Ignored for Envoy proxies. */
  names?: readonly string[];
  /**
   * Identity of the visibility predicates above (a shared SidecarScope's key): when set, the
   * outbound clusters are shared per push with every proxy giving the same key.
   */
  shareKey?: string;
  /**
   * Outbound clusters only for services with these hostnames (gateway cluster filtering); the
   * result is the full set minus the `outbound|...|<host>` clusters of other hosts. Clusters
   * that are not per service (BlackHole, passthrough, inbound) are unaffected.
   */
  outboundHosts?: ReadonlySet<string>;
}

/** Services the proxy gets clusters for: exported to its namespace, narrowed by the scope. */
export function visibleServices(
  proxy: Proxy,
  push: PushContext,
  opts: ClusterBuildOptions = {},
): Service[] {
  const pred = opts.isServiceVisible ?? (() => true);
  const hosts = opts.outboundHosts;
  return push
    .servicesVisibleTo(proxy.namespace)
    .filter((s) => pred(s) && (hosts === undefined || hosts.has(s.hostname)));
}

/** First of each name wins, as istiod's normalizeClusters. */
export function dedupeClusters(clusters: readonly Cluster[]): Cluster[] {
  const seen = new Set<string>();
  return clusters.filter((c) => {
    if (seen.has(c.name)) return false;
    seen.add(c.name);
    return true;
  });
}

/** Whether a cluster survives an outboundHosts restriction. */
function keptBy(hosts: ReadonlySet<string> | undefined, name: string): boolean {
  if (hosts === undefined) return true;
  const parsed = parseSubsetKey(name);
  return parsed === undefined || parsed.direction !== 'outbound' || hosts.has(parsed.host);
}

/**
 * An Envoy proxy's clusters in istiod's order, before duplicates are dropped: the outbound ones
 * (one array shared by every proxy with the same inputs when `shareKey` is set) and the rest
 * (fixed clusters and, for sidecars, inbound clusters).
 */
export interface ClusterParts {
  outbound: readonly Cluster[];
  rest: Cluster[];
}

/** The outbound clusters of `services` in their order, for the ports `portVisible` lets through. */
export function outboundClustersOf(
  proxy: Proxy,
  push: PushContext,
  services: readonly Service[],
  portVisible: (service: Service, port: number) => boolean,
): Cluster[] {
  const list: Cluster[] = [];
  for (const svc of services) {
    for (const port of svc.ports) {
      if (portVisible(svc, port.port))
        list.push(...sharedOutboundClustersForPort(proxy, push, svc, port));
    }
  }
  return list;
}

export function envoyClusterParts(
  proxy: Proxy,
  push: PushContext,
  opts: ClusterBuildOptions = {},
): ClusterParts {
  const portVisible = opts.isServicePortVisible ?? (() => true);
  const buildOutbound = (): Cluster[] =>
    outboundClustersOf(proxy, push, visibleServices(proxy, push, opts), portVisible);
  const outbound =
    opts.shareKey === undefined
      ? buildOutbound()
      : sharedOutboundClusters(proxy, push, opts.shareKey, opts.outboundHosts, buildOutbound);
  return { outbound, rest: envoyOwnClusters(proxy, push) };
}

/**
 * An Envoy proxy's clusters that are not per outbound service, in istiod's order: BlackHole for
 * every proxy; for sidecars also the passthrough, inbound and inbound passthrough clusters.
 */
export function envoyOwnClusters(proxy: Proxy, push: PushContext): Cluster[] {
  // Fixed clusters depend on mesh settings only (inbound passthrough: the proxy's IP families).
  const blackHole = memo(push, 'blackhole', () => blackHoleCluster(push.mesh));
  if (proxy.type === 'router') return [blackHole];
  const ips = proxy.ips.length > 0 ? proxy.ips : [proxy.ip];
  const families = `${ips.some((ip) => !ip.includes(':'))}|${ips.some((ip) => ip.includes(':'))}`;
  return [
    blackHole,
    memo(push, 'passthrough', () => passthroughCluster(push.mesh)),
    ...sharedInboundClusters(proxy, push),
    memo(push, `inbound-passthrough|${families}`, () => inboundPassthroughCluster(push.mesh, ips)),
  ];
}

export function buildClusters(
  proxy: Proxy,
  push: PushContext,
  opts: ClusterBuildOptions = {},
): Cluster[] {
  if (proxy.generator === 'grpc') {
    const clusters = buildGrpcClusters(proxy, push, visibleServices(proxy, push, opts), opts.names);
    // Requested names may name any host: restrict the result, not just the services.
    return dedupeClusters(clusters.filter((c) => keptBy(opts.outboundHosts, c.name)));
  }
  const parts = envoyClusterParts(proxy, push, opts);
  return dedupeClusters([...parts.outbound, ...parts.rest]);
}
