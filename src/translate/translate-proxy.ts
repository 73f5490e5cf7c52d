// One proxy's complete xDS configuration for one push: listeners, the route configurations
// they name, clusters and their endpoints. Pure: the same (proxy, push) always gives the same
// resources, each list sorted by name so output is stable for golden files and hashing.
// Sidecar egress scoping is computed once here and handed to every builder, so listeners,
// routes and clusters agree on which services the proxy sees.
import type { RouteConfiguration } from '../gen/envoy/config/route/v3/route_pb.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import {
  scopeKey,
  sharedGatewayRouteConfigs,
  sharedSidecarRouteConfig,
  sharedSidecarScope,
} from './cache/shared-routing.js';
import { sortedClustersAndEndpoints } from './cluster/sorted-clusters.js';
import { buildListeners } from './listener/build-listeners.js';
import { rdsNamesOf } from './listener/inspect.js';
import {
  buildSidecarRouteConfigNamed,
  isSidecarRouteName,
} from './listener/sidecar-route-configs.js';
import type { SidecarScope } from './listener/sidecar-scope.js';
import { buildGrpcRouteConfig } from './route/route-config-grpc.js';
import type { ProxyResources } from './types.js';

export interface TranslateOptions {
  /** Proxyless gRPC: the LDS names it subscribed to (default: every visible service port). */
  listenerNames?: readonly string[];
  /** Proxyless gRPC: the CDS names it subscribed to (default: every cluster its routes use). */
  clusterNames?: readonly string[];
  /**
   * Build outbound clusters (and so their load assignments) only for services with these
   * hostnames: the gateway cluster filter applied during translation instead of after it. Equal
   * to translating everything and dropping the `outbound|...|<host>` clusters (and assignments)
   * of other hosts; clusters that are not per service are unaffected.
   */
  outboundHosts?: ReadonlySet<string>;
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function scopingFor(scope: SidecarScope) {
  return {
    includeService: scope.isServiceVisible,
    includeVirtualService: (vs: {
      resource: { metadata: { namespace: string } };
      hosts: readonly string[];
    }) => vs.hosts.some((h) => scope.isHostVisible(vs.resource.metadata.namespace, h)),
  };
}

/** The route configs `names` for a proxy (as translateProxy builds them; exported for the server's routing fast path). */
export function buildRoutes(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
  names: readonly string[],
): RouteConfiguration[] {
  if (proxy.type === 'router' && proxy.generator !== 'grpc') {
    return sharedGatewayRouteConfigs(proxy, push, names);
  }
  const out: RouteConfiguration[] = [];
  for (const name of names) {
    if (proxy.generator === 'grpc') {
      const rc = buildGrpcRouteConfig(proxy, push, name, scopingFor(scope));
      if (rc) out.push(rc);
    } else if (isSidecarRouteName(name)) {
      out.push(
        sharedSidecarRouteConfig(proxy, push, scope, name, () =>
          buildSidecarRouteConfigNamed(proxy, push, scope, name),
        ),
      );
    }
  }
  return out;
}

export function translateProxy(
  proxy: Proxy,
  push: PushContext,
  opts: TranslateOptions = {},
): ProxyResources {
  // Shared per push by every proxy of the same type, namespace and Sidecar (cache/), as are the
  // outbound pieces below: translation stays pure, equal inputs just yield the same objects.
  const scope = sharedSidecarScope(proxy, push);
  const listeners = buildListeners(proxy, push, scope, { listenerNames: opts.listenerNames });
  const rdsNames = [...new Set(listeners.flatMap(rdsNamesOf))];
  const routes = buildRoutes(proxy, push, scope, rdsNames);
  const { clusters, endpoints } = sortedClustersAndEndpoints(proxy, push, {
    isServiceVisible: scope.isServiceVisible,
    isServicePortVisible: scope.isServicePortVisible,
    names: opts.clusterNames,
    shareKey: scopeKey(scope),
    outboundHosts: opts.outboundHosts,
  });
  return {
    listeners: [...listeners].sort(byName),
    routes: [...routes].sort(byName),
    clusters,
    endpoints,
    secrets: [],
  };
}
