// The DestinationRule fast path: a change of DestinationRules only can alter an Envoy proxy's
// (sidecar's or gateway's) clusters and load assignments of the hosts whose rule lookup changes,
// its own (inbound and fixed) clusters, and its route configs (consistent-hash policies);
// listeners never read DestinationRules, and a filtered gateway's routed hosts come from
// VirtualServices only. Cluster and assignment names carry their host (`outbound|port|subset|host`),
// and every outbound cluster or assignment of a host is built from that host's service and rule
// alone, so the served ones of other hosts stay exactly as a full translation would build them.
// The patch therefore rebuilds the affected hosts' clusters and assignments, the own clusters
// and the route configs, and keeps everything else the proxy was served.
import type { Cluster } from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ClusterLoadAssignment } from '../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { RouteConfiguration } from '../gen/envoy/config/route/v3/route_pb.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import type { Service } from '../model/service.js';
import { memo, objectId } from '../translate/cache/push-memo.js';
import { sharedEndpoints } from '../translate/cache/shared-endpoints.js';
import { sharedSidecarScope } from '../translate/cache/shared-routing.js';
import {
  dedupeClusters,
  envoyOwnClusters,
  outboundClustersOf,
  visibleServices,
} from '../translate/cluster/build-clusters.js';
import { edsNameOf, isEdsCluster } from '../translate/cluster/sorted-clusters.js';
import { parseSubsetKey } from '../translate/common/cluster-name.js';
import { buildRoutes } from '../translate/translate-proxy.js';
import type { ConfigChanges } from './config-dependencies.js';

export interface DestinationRulePatch {
  /** Whether a served cluster or assignment of this name is replaced by the patch. */
  replaces(name: string): boolean;
  /** The affected hosts' outbound clusters and the proxy's own clusters, as translated now. */
  clusters: Cluster[];
  /** The assignments of the EDS clusters among them. */
  endpoints: ClusterLoadAssignment[];
  /** The route configs `routeNames`, rebuilt. */
  routes: RouteConfiguration[];
}

/** Envoy proxies (sidecars and gateways); proxyless gRPC clients are re-translated. */
export function destinationRulePatchApplies(proxy: Proxy): boolean {
  return proxy.generator === undefined;
}

/**
 * The proxy's part of a DestinationRule-only push (changes.destinationRulesOnly): what replaces
 * which served resources. `routeNames` are the route configs it was served (its listeners, and
 * so the names, do not change); `outboundHosts` the gateway cluster filter it is served with.
 */
export function destinationRulePatch(
  proxy: Proxy,
  push: PushContext,
  changes: ConfigChanges,
  routeNames: readonly string[],
  outboundHosts: ReadonlySet<string> | undefined,
): DestinationRulePatch {
  const scope = sharedSidecarScope(proxy, push);
  const affected = (host: string): boolean =>
    changes.destinationRuleMayChange(proxy.namespace, host);
  const select = (): Service[] =>
    visibleServices(proxy, push, {
      isServiceVisible: (s) => scope.isServiceVisible(s) && affected(s.hostname),
      outboundHosts,
    });
  // The same for every proxy of the scope (a gateway's host filter is its own).
  const services =
    outboundHosts === undefined
      ? memo(push, `dr-patch-services|${objectId(changes)}|${objectId(scope)}`, select)
      : select();
  const outbound = dedupeClusters(
    outboundClustersOf(proxy, push, services, scope.isServicePortVisible),
  );
  const names = new Set(outbound.map((c) => c.name));
  const own = dedupeClusters(envoyOwnClusters(proxy, push)).filter((c) => !names.has(c.name));
  const clusters = [...outbound, ...own];
  return {
    replaces: (name) => {
      const parsed = parseSubsetKey(name);
      return parsed === undefined || parsed.direction !== 'outbound' || affected(parsed.host);
    },
    clusters,
    endpoints: sharedEndpoints(proxy, push, clusters.filter(isEdsCluster).map(edsNameOf)),
    routes: buildRoutes(proxy, push, scope, routeNames),
  };
}
