// Listeners of a gateway proxy (Istio type `router`): one per port its Gateways' servers
// declare, bound at the workload port (the gateway Service's targetPort for that port when a
// Service maps it, else the server port, as Istio's resolvePorts does):
//   HTTP servers                 → one chain, HCM with RDS `http.<server port>`;
//   HTTPS with TLS termination   → one chain per server, server_names from its hosts, TLS
//                                  context from credentialName, HCM with its `https.…` RDS;
//   TLS PASSTHROUGH / TCP        → tcp_proxy chains from the bound VirtualServices' tls/tcp
//                                  routes (SNI-matched for TLS).
import { create } from '@bufbuild/protobuf';
import { TrafficDirection } from '../../gen/envoy/config/core/v3/base_pb.js';
import {
  FilterChainSchema,
  type FilterChain,
} from '../../gen/envoy/config/listener/v3/listener_components_pb.js';
import { ListenerSchema, type Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { TlsInspectorSchema } from '../../gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
import type { ConfigResource } from '../../model/config.js';
import type {
  GatewaySpec,
  L4MatchAttributes,
  RouteDestination,
  Server,
} from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { gatewayServerTls } from './downstream-tls.js';
import { gatewayRouteName, isPassthroughServer } from './gateway-route-name.js';
import { envoyHttpFilters } from './http-filters.js';
import { httpConnectionManagerFilter } from './http-connection-manager.js';
import { toProtocol } from './inbound-ports.js';
import { l4MatchApplies, weightedDestinations, type WeightedCluster } from './l4-destination.js';
import { listenerClass } from './protocol-class.js';
import { tcpProxyToDestinations } from './tcp-proxy.js';
import { socketAddress } from '../common/socket-address.js';
import { typedFilter } from './typed-config.js';
import { LISTENER_TLS_INSPECTOR, WILDCARD_ADDRESS, listenerName } from './well-known-names.js';

interface BoundServer {
  gateway: ConfigResource<GatewaySpec>;
  server: Server;
}

/** `ns/host` → `host`; `*` matches everything and carries no SNI. */
function serverHost(h: string): string {
  const slash = h.indexOf('/');
  return slash < 0 ? h : h.slice(slash + 1);
}

function sniNames(server: Server): string[] {
  const hosts = server.hosts.map(serverHost);
  return hosts.includes('*') ? [] : [...new Set(hosts)];
}

/** Envoy SNI wildcard semantics: `*.foo.com` covers `a.foo.com`. */
function sniOverlaps(a: string, b: string): boolean {
  const covers = (p: string, h: string): boolean =>
    p === '*' || p === h || (p.startsWith('*.') && h.endsWith(p.slice(1)));
  return covers(a, b) || covers(b, a);
}

export function gatewayListenerPort(server: Server, proxy: Proxy, push: PushContext): number {
  for (const svc of push.servicesForWorkload(proxy.namespace, proxy.labels)) {
    const sp = svc.ports.find((p) => p.port === server.port.number);
    if (sp?.targetPort !== undefined) return sp.targetPort;
  }
  return server.port.number;
}

function l4Chains(
  bound: BoundServer,
  port: number,
  proxy: Proxy,
  push: PushContext,
  tls: boolean,
): FilterChain[] {
  const gwName = `${bound.gateway.metadata.namespace}/${bound.gateway.metadata.name}`;
  const serverHosts = bound.server.hosts.map(serverHost);
  const serverPort = bound.server.port.number;
  const applies = (m: L4MatchAttributes): boolean =>
    l4MatchApplies(m, serverPort, proxy.labels, proxy.namespace, gwName);
  const chains: FilterChain[] = [];
  for (const vs of push.virtualServicesFor(proxy.namespace, gwName)) {
    if (!vs.hosts.some((h) => serverHosts.some((s) => sniOverlaps(s, h)))) continue;
    const destinationsOf = (route: { route?: RouteDestination[] }): WeightedCluster[] =>
      weightedDestinations(route.route ?? [], vs, serverPort, push, proxy.namespace);
    if (tls) {
      for (const route of vs.resource.spec.tls ?? []) {
        for (const m of route.match) {
          if (!applies(m)) continue;
          const dests = destinationsOf(route);
          if (dests.length === 0) continue;
          const names = m.sniHosts.filter((h) => serverHosts.some((s) => sniOverlaps(s, h)));
          chains.push(
            create(FilterChainSchema, {
              filterChainMatch: { serverNames: names },
              filters: [tcpProxyToDestinations(dests)],
            }),
          );
        }
      }
    } else {
      for (const route of vs.resource.spec.tcp ?? []) {
        const matches = route.match ?? [];
        if (matches.length > 0 && !matches.some(applies)) continue;
        const dests = destinationsOf(route);
        if (dests.length === 0) continue;
        chains.push(create(FilterChainSchema, { filters: [tcpProxyToDestinations(dests)] }));
        return chains.slice(0, 1);
      }
    }
  }
  return chains;
}

function httpChain(
  server: Server,
  gateway: ConfigResource<GatewaySpec>,
  port: number,
  tls: boolean,
): FilterChain {
  const protocol = toProtocol(server.port.protocol);
  return create(FilterChainSchema, {
    filterChainMatch: tls ? { serverNames: sniNames(server) } : undefined,
    transportSocket: tls && server.tls ? gatewayServerTls(server.tls, true) : undefined,
    filters: [
      httpConnectionManagerFilter({
        role: 'gateway',
        statPrefix: `outbound_${WILDCARD_ADDRESS}_${port}`,
        rds: gatewayRouteName(server, gateway),
        httpFilters: envoyHttpFilters(protocol === 'HTTPS' ? 'HTTP' : protocol),
      }),
    ],
  });
}

/** Drops chains whose match repeats an earlier one (Envoy rejects duplicate matches). */
function dedupeChains(chains: FilterChain[]): FilterChain[] {
  const seen = new Set<string>();
  const out: FilterChain[] = [];
  for (const c of chains) {
    const key = JSON.stringify([...(c.filterChainMatch?.serverNames ?? [])].sort());
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

export function buildGatewayListeners(proxy: Proxy, push: PushContext): Listener[] {
  const byPort = new Map<number, BoundServer[]>();
  for (const gateway of push.gatewaysFor(proxy.namespace, proxy.labels)) {
    for (const server of gateway.spec.servers ?? []) {
      const port = gatewayListenerPort(server, proxy, push);
      const list = byPort.get(port) ?? [];
      list.push({ gateway, server });
      byPort.set(port, list);
    }
  }
  const listeners: Listener[] = [];
  for (const [port, servers] of [...byPort.entries()].sort((a, b) => a[0] - b[0])) {
    const chains: FilterChain[] = [];
    let plainHttpDone = false;
    let needsTlsInspector = false;
    for (const bound of servers) {
      const { server } = bound;
      const protocol = toProtocol(server.port.protocol);
      const cls = listenerClass(protocol);
      if (cls === 'http') {
        // All plain HTTP servers on a port share one chain and one `http.<port>` route config.
        if (plainHttpDone) continue;
        plainHttpDone = true;
        chains.push(httpChain(server, bound.gateway, port, false));
      } else if (protocol === 'HTTPS' && !isPassthroughServer(server)) {
        needsTlsInspector = true;
        chains.push(httpChain(server, bound.gateway, port, true));
      } else if (cls === 'tls' || protocol === 'HTTPS') {
        needsTlsInspector = true;
        chains.push(...l4Chains(bound, port, proxy, push, true));
      } else if (cls === 'tcp' || cls === 'auto') {
        chains.push(...l4Chains(bound, port, proxy, push, false));
      }
    }
    const unique = dedupeChains(chains);
    if (unique.length === 0) continue; // Istio skips listeners without any usable chain.
    listeners.push(
      create(ListenerSchema, {
        name: listenerName(WILDCARD_ADDRESS, port),
        address: socketAddress(WILDCARD_ADDRESS, port),
        trafficDirection: TrafficDirection.OUTBOUND,
        listenerFilters: needsTlsInspector
          ? [typedFilter(LISTENER_TLS_INSPECTOR, TlsInspectorSchema)]
          : [],
        filterChains: unique,
      }),
    );
  }
  return listeners;
}
