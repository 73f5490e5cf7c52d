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
import { buildInboundClusters } from './inbound-clusters.js';
import { buildOutboundClustersForPort } from './outbound-clusters.js';

export interface ClusterBuildOptions {
  /** Sidecar egress scoping (computed by the listener side's SidecarScope); default: all exported. */
  isServiceVisible?: (service: Service) => boolean;
  isServicePortVisible?: (service: Service, port: number) => boolean;
  /** Proxyless gRPC: the cluster names requested; undefined = all. Ignored for Envoy proxies. */
  names?: readonly string[];
}

/** Services the proxy gets clusters for: exported to its namespace, narrowed by the scope. */
export function visibleServices(
  proxy: Proxy,
  push: PushContext,
  opts: ClusterBuildOptions = {},
): Service[] {
  const pred = opts.isServiceVisible ?? (() => true);
  return push.servicesVisibleTo(proxy.namespace).filter((s) => pred(s));
}

function dedupe(clusters: Cluster[]): Cluster[] {
  const seen = new Set<string>();
  return clusters.filter((c) => {
    if (seen.has(c.name)) return false;
    seen.add(c.name);
    return true;
  });
}

export function buildClusters(
  proxy: Proxy,
  push: PushContext,
  opts: ClusterBuildOptions = {},
): Cluster[] {
  const services = visibleServices(proxy, push, opts);
  if (proxy.generator === 'grpc')
    return dedupe(buildGrpcClusters(proxy, push, services, opts.names));

  const portVisible = opts.isServicePortVisible ?? (() => true);
  const outbound: Cluster[] = [];
  for (const svc of services) {
    for (const port of svc.ports) {
      if (!portVisible(svc, port.port)) continue;
      outbound.push(...buildOutboundClustersForPort({ proxy, push }, svc, port));
    }
  }
  if (proxy.type === 'router') return dedupe([...outbound, blackHoleCluster(push.mesh)]);
  return dedupe([
    ...outbound,
    blackHoleCluster(push.mesh),
    passthroughCluster(push.mesh),
    ...buildInboundClusters(proxy, push),
    inboundPassthroughCluster(push.mesh, proxy.ips.length > 0 ? proxy.ips : [proxy.ip]),
  ]);
}
