// Route configurations for a gateway's RDS names: `http.<port>` gathers every plain HTTP server
// on that server port; each `https.<port>.<name>.<gw>.<ns>` holds the one HTTPS server it names.
// The vhost/route building itself is the route translator's (buildGatewayRouteConfig).
import type { RouteConfiguration } from '../../gen/envoy/config/route/v3/route_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { buildGatewayRouteConfig, type GatewayServer } from '../route/route-config-gateway.js';
import { gatewayRouteName } from './gateway-route-name.js';

export function buildGatewayRouteConfigs(
  proxy: Proxy,
  push: PushContext,
  names: readonly string[],
): RouteConfiguration[] {
  const byName = new Map<string, GatewayServer[]>();
  for (const gateway of push.gatewaysFor(proxy.namespace, proxy.labels)) {
    for (const server of gateway.spec.servers ?? []) {
      const name = gatewayRouteName(server, gateway);
      if (!name || !names.includes(name)) continue;
      const list = byName.get(name) ?? [];
      list.push({ gateway, server });
      byName.set(name, list);
    }
  }
  const out: RouteConfiguration[] = [];
  for (const name of names) {
    const servers = byName.get(name);
    if (!servers) continue;
    const rc = buildGatewayRouteConfig(proxy, push, servers[0].server.port.number, servers);
    rc.name = name;
    out.push(rc);
  }
  return out;
}
