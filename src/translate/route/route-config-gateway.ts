// An ingress gateway's RouteConfiguration `http.<port>` (istio gateway.go
// buildGatewayHTTPRouteConfig): for every server on that port, the VirtualServices bound to its
// Gateway contribute vhosts `<host>:<port>` for the intersection of server and VirtualService
// hosts; several VirtualServices for one host are merged; no vhost at all gives a 404 vhost.
import { create } from '@bufbuild/protobuf';

import type { ConfigResource } from '../../model/config.js';
import type { GatewaySpec, Server } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext, ResolvedVirtualService } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import {
  VirtualHost_TlsRequirementType,
  VirtualHostSchema,
  type Route,
  type VirtualHost,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../gen/envoy/config/route/v3/route_pb.js';
import { resolveShortname } from './destination.js';
import { consistentHashForDestination } from './hash-policy.js';
import { intersectHosts } from './host-match.js';
import { buildHttpRoutesForVirtualService } from './http-route.js';
import { isCatchAllRoute } from './route-match.js';
import { MAX_DIRECT_RESPONSE_BODY_BYTES } from './route-config-sidecar.js';

/** One Gateway server served on the route config's port. */
export interface GatewayServer {
  gateway: ConfigResource<GatewaySpec>;
  server: Server;
}

export const gatewayRouteName = (port: number): string => `http.${port}`;

/** Server hosts (`[ns/]host`) that a VirtualService in `vsNamespace` may bind to. */
function serverHostsFor(server: Server, gatewayNamespace: string, vsNamespace: string): string[] {
  return server.hosts.flatMap((h) => {
    const slash = h.indexOf('/');
    if (slash < 0) return [h];
    const ns = h.slice(0, slash);
    const host = h.slice(slash + 1);
    const allowed =
      ns === '*' || ns === vsNamespace || (ns === '.' && gatewayNamespace === vsNamespace);
    return allowed ? [host] : [];
  });
}

/** Destination services as a gateway sees them: the VirtualService's namespace first. */
function serviceLookup(push: PushContext, proxy: Proxy, vs: ResolvedVirtualService) {
  const visible = push.servicesVisibleTo(proxy.namespace);
  return (hostname: string): Service | undefined =>
    visible.find(
      (s) => s.hostname === hostname && s.namespace === vs.resource.metadata.namespace,
    ) ?? push.serviceForHost(hostname, proxy.namespace);
}

export function buildGatewayRouteConfig(
  proxy: Proxy,
  push: PushContext,
  port: number,
  servers: readonly GatewayServer[],
): RouteConfiguration {
  const vhosts = new Map<string, VirtualHost>();
  const routeCache = new Map<string, Route[]>();
  for (const { gateway, server } of servers) {
    const gwName = `${gateway.metadata.namespace}/${gateway.metadata.name}`;
    const httpsRedirect = server.tls?.httpsRedirect === true;
    for (const vs of push.virtualServicesFor(proxy.namespace, gwName)) {
      const vsNs = vs.resource.metadata.namespace;
      const hosts = intersectHosts(
        serverHostsFor(server, gateway.metadata.namespace, vsNs),
        vs.hosts,
      );
      if (hosts.length === 0) continue;
      const key = `${gwName}|${vsNs}/${vs.resource.metadata.name}`;
      let routes = routeCache.get(key);
      if (!routes) {
        const lookup = serviceLookup(push, proxy, vs);
        routes = buildHttpRoutesForVirtualService(vs.resource, {
          proxy,
          mesh: push.mesh,
          listenerPort: server.port.number,
          gatewayNames: new Set([gwName]),
          lookupService: lookup,
          lookupHash: (d) =>
            consistentHashForDestination(
              push.destinationRule(
                proxy.namespace,
                resolveShortname(d.host, vsNs, push.mesh.domainSuffix),
                proxy.labels,
              )?.spec,
              d,
            ),
          isTls: server.tls !== undefined,
        });
        routeCache.set(key, routes);
      }
      if (routes.length === 0) continue;
      for (const raw of hosts) {
        const host = raw.toLowerCase();
        const existing = vhosts.get(host);
        if (existing) {
          // Gateways merge every VirtualService for a host, in VirtualService order.
          existing.routes.push(...routes);
          if (httpsRedirect) existing.requireTls = VirtualHost_TlsRequirementType.ALL;
        } else {
          vhosts.set(
            host,
            create(VirtualHostSchema, {
              name: `${host}:${server.port.number}`,
              domains: [host],
              routes: [...routes],
              includeRequestAttemptCount: true,
              requireTls: httpsRedirect
                ? VirtualHost_TlsRequirementType.ALL
                : VirtualHost_TlsRequirementType.NONE,
            }),
          );
        }
      }
    }
    if (!httpsRedirect) continue;
    // httpsRedirect applies to every server host, with or without a VirtualService.
    for (const raw of server.hosts) {
      const host = (raw.includes('/') ? raw.slice(raw.indexOf('/') + 1) : raw).toLowerCase();
      const existing = vhosts.get(host);
      if (existing) existing.requireTls = VirtualHost_TlsRequirementType.ALL;
      else {
        vhosts.set(
          host,
          create(VirtualHostSchema, {
            name: `${host}:${server.port.number}`,
            domains: [host],
            includeRequestAttemptCount: true,
            requireTls: VirtualHost_TlsRequirementType.ALL,
          }),
        );
      }
    }
  }

  let virtualHosts: VirtualHost[];
  if (vhosts.size === 0) {
    const firstPort = servers[0]?.server.port.number ?? port;
    // No routes: Envoy answers 404 (NR) for everything.
    virtualHosts = [create(VirtualHostSchema, { name: `blackhole:${firstPort}`, domains: ['*'] })];
  } else {
    virtualHosts = collapseDuplicateRoutes(vhosts);
    for (const vh of virtualHosts) vh.routes = sortCatchAllLast(vh.routes);
  }
  virtualHosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return create(RouteConfigurationSchema, {
    name: gatewayRouteName(port),
    virtualHosts,
    validateClusters: false,
    ignorePortInHostMatching: true,
    maxDirectResponseBodySizeBytes: MAX_DIRECT_RESPONSE_BODY_BYTES,
  });
}

/** Catch-all routes move to the end, others keep their order (istio SortVHostRoutes). */
function sortCatchAllLast(routes: Route[]): Route[] {
  return [...routes.filter((r) => !isCatchAllRoute(r)), ...routes.filter(isCatchAllRoute)];
}

/**
 * Hosts with the very same routes (one VirtualService with several hosts) share one vhost whose
 * domains list them all; the alphabetically first host names it (istio collapseDuplicateRoutes).
 */
function collapseDuplicateRoutes(vhosts: Map<string, VirtualHost>): VirtualHost[] {
  const out: VirtualHost[] = [];
  for (const host of [...vhosts.keys()].sort()) {
    const vh = vhosts.get(host) as VirtualHost;
    const same = out.find(
      (o) =>
        o.requireTls === vh.requireTls &&
        o.routes.length === vh.routes.length &&
        o.routes.every((r, i) => r === vh.routes[i]),
    );
    if (same && vh.routes.length > 0) same.domains.push(...vh.domains);
    else out.push(vh);
  }
  return out;
}
