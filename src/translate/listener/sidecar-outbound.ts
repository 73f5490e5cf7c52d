// A sidecar's outbound listeners, built from the Sidecar scope's egress listeners in order
// (istio buildSidecarOutboundListeners): explicit egress ports first, each for the services it
// imports, then the catch-all for every other service port. A listener already produced by an
// explicit egress port is locked: the catch-all adds nothing to it.
//   HTTP family  → `<bind>_<port>` (bind default 0.0.0.0), HCM with RDS `<port>`;
//   TCP family   → `<bind>_<port>` (bind default: the service VIP, else 0.0.0.0), tcp_proxy to the
//                  cluster or to the VirtualService tcp route destinations;
//   TLS family   → SNI filter chains (`server_names`) from VirtualService tls routes, or the
//                  service host itself, each forwarding to its cluster;
//   undeclared   → sniffing on `<vip>_<port>` (0.0.0.0 without a VIP): http_inspector sends
//                  plaintext HTTP to an HCM whose RDS is `<fqdn>:<port>` (`<port>` on 0.0.0.0),
//                  everything else to the TCP default chain.
// Listeners are bind_to_port false (virtualOutbound hands them connections by original dst)
// unless the egress listener has captureMode NONE: then they really listen, on the egress
// `bind` or 127.0.0.1, for apps that call the sidecar directly.
import { create } from '@bufbuild/protobuf';
import { TrafficDirection } from '../../gen/envoy/config/core/v3/base_pb.js';
import { ListenerSchema, type Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import type { FilterChain } from '../../gen/envoy/config/listener/v3/listener_components_pb.js';
import { FilterChainSchema } from '../../gen/envoy/config/listener/v3/listener_components_pb.js';
import { HttpInspectorSchema } from '../../gen/envoy/extensions/filters/listener/http_inspector/v3/http_inspector_pb.js';
import { TlsInspectorSchema } from '../../gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext, ResolvedVirtualService } from '../../model/push-context.js';
import type { Protocol, Service } from '../../model/service.js';
import { outboundClusterName } from '../common/cluster-name.js';
import { envoyHttpFilters } from './http-filters.js';
import { httpConnectionManagerFilter } from './http-connection-manager.js';
import { l4MatchApplies, weightedDestinations, type WeightedCluster } from './l4-destination.js';
import { listenerClass } from './protocol-class.js';
import type { SidecarScope } from './sidecar-scope.js';
import { tcpProxyFilter, tcpProxyToDestinations } from './tcp-proxy.js';
import { socketAddress, typedFilter } from './typed-config.js';
import {
  LISTENER_HTTP_INSPECTOR,
  LISTENER_TLS_INSPECTOR,
  PASSTHROUGH_CLUSTER,
  PLAINTEXT_HTTP_ALPNS,
  VIRTUAL_INBOUND_PORT,
  VIRTUAL_OUTBOUND_PORT,
  WILDCARD_ADDRESS,
  listenerName,
} from './well-known-names.js';

const RESERVED_PORTS = new Set([
  VIRTUAL_OUTBOUND_PORT,
  VIRTUAL_INBOUND_PORT,
  15000,
  15020,
  15021,
  15090,
]);

interface PortEntry {
  service: Service;
  port: number;
  protocol: Protocol;
}

/** Listener name → listener under construction, merged across services sharing an address. */
interface Draft {
  address: string;
  port: number;
  kind: 'http' | 'tcp' | 'tls' | 'auto';
  httpProtocol?: Protocol;
  chains: FilterChain[];
  serverNames: Set<string>;
  /** tcp_proxy target for sniffed non-HTTP traffic (first service wins). */
  tcpFallback?: string;
}

export function buildSidecarOutboundListeners(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
): Listener[] {
  const gateway = 'mesh';
  const virtualServices = push
    .virtualServicesFor(proxy.namespace, gateway)
    .filter((vs) => vs.hosts.some((h) => scope.isHostVisible(vs.resource.metadata.namespace, h)));
  const drafts = new Map<string, Draft>();
  const draft = (address: string, port: number, kind: Draft['kind']): Draft => {
    const name = listenerName(address, port);
    let d = drafts.get(name);
    if (!d) {
      d = { address, port, kind, chains: [], serverNames: new Set() };
      drafts.set(name, d);
    }
    return d;
  };

  for (const entry of visiblePorts(scope)) {
    const { service, port, protocol } = entry;
    const vip = service.addresses[0];
    switch (listenerClass(protocol)) {
      case 'http': {
        const d = draft(WILDCARD_ADDRESS, port, 'http');
        if (d.kind === 'http' && d.httpProtocol === undefined) d.httpProtocol = protocol;
        break;
      }
      case 'auto': {
        const d = draft(WILDCARD_ADDRESS, port, 'auto');
        d.tcpFallback ??= outboundClusterName(port, undefined, service.hostname);
        break;
      }
      case 'tcp': {
        if (!vip && drafts.has(listenerName(WILDCARD_ADDRESS, port))) break; // HTTP wins 0.0.0.0
        const d = draft(vip ?? WILDCARD_ADDRESS, port, 'tcp');
        if (d.chains.length > 0) break;
        const dests = tcpDestinations(service, port, virtualServices, proxy, push);
        d.chains.push(create(FilterChainSchema, { filters: [tcpProxyToDestinations(dests)] }));
        break;
      }
      case 'tls': {
        const d = draft(vip ?? WILDCARD_ADDRESS, port, 'tls');
        if (d.kind !== 'tls') break;
        for (const chain of tlsChains(service, port, virtualServices, proxy, push, !vip)) {
          const names = chain.filterChainMatch?.serverNames ?? [];
          if (
            names.length === 0 &&
            d.chains.some((c) => (c.filterChainMatch?.serverNames ?? []).length === 0)
          )
            continue;
          const fresh = names.filter((n) => !d.serverNames.has(n));
          if (names.length > 0 && fresh.length === 0) continue;
          fresh.forEach((n) => d.serverNames.add(n));
          if (chain.filterChainMatch && names.length > 0)
            chain.filterChainMatch.serverNames = fresh;
          d.chains.push(chain);
        }
        break;
      }
      case 'none':
        break;
    }
  }

  const listeners: Listener[] = [];
  for (const [name, d] of drafts) {
    listeners.push(finishListener(name, d, scope));
  }
  return listeners.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function visiblePorts(scope: SidecarScope): PortEntry[] {
  const out: PortEntry[] = [];
  for (const service of scope.services) {
    for (const p of service.ports) {
      if (RESERVED_PORTS.has(p.port)) continue;
      if (!scope.isServicePortVisible(service, p.port)) continue;
      out.push({ service, port: p.port, protocol: p.protocol });
    }
  }
  return out;
}

function httpChain(port: number, protocol: Protocol | undefined): FilterChain {
  return create(FilterChainSchema, {
    filters: [
      httpConnectionManagerFilter({
        role: 'sidecar-outbound',
        statPrefix: `outbound_${WILDCARD_ADDRESS}_${port}`,
        rds: String(port),
        httpFilters: envoyHttpFilters(protocol),
      }),
    ],
  });
}

function finishListener(name: string, d: Draft, scope: SidecarScope): Listener {
  const base = {
    name,
    address: socketAddress(d.address, d.port),
    bindToPort: false,
    trafficDirection: TrafficDirection.OUTBOUND,
  };
  switch (d.kind) {
    case 'http':
      return create(ListenerSchema, { ...base, filterChains: [httpChain(d.port, d.httpProtocol)] });
    case 'auto': {
      const http = httpChain(d.port, undefined);
      return create(ListenerSchema, {
        ...base,
        listenerFilters: [
          typedFilter(LISTENER_TLS_INSPECTOR, TlsInspectorSchema),
          typedFilter(LISTENER_HTTP_INSPECTOR, HttpInspectorSchema),
        ],
        filterChains: [
          create(FilterChainSchema, {
            filterChainMatch: { applicationProtocols: PLAINTEXT_HTTP_ALPNS },
            filters: http.filters,
          }),
          create(FilterChainSchema, {
            filters: [tcpProxyFilter(d.tcpFallback ?? PASSTHROUGH_CLUSTER)],
          }),
        ],
      });
    }
    case 'tcp':
      return create(ListenerSchema, { ...base, filterChains: d.chains });
    case 'tls':
      return create(ListenerSchema, {
        ...base,
        listenerFilters: [typedFilter(LISTENER_TLS_INSPECTOR, TlsInspectorSchema)],
        filterChains: d.chains,
        // Unknown SNI on a shared 0.0.0.0 TLS port leaves the mesh as istio's passthrough does.
        defaultFilterChain:
          d.address === WILDCARD_ADDRESS && scope.outboundTrafficPolicy === 'ALLOW_ANY'
            ? { name: 'PassthroughFilterChain', filters: [tcpProxyFilter(PASSTHROUGH_CLUSTER)] }
            : undefined,
      });
  }
}

function vsForHost(
  vss: readonly ResolvedVirtualService[],
  host: string,
): ResolvedVirtualService | undefined {
  return vss.find((vs) => vs.hosts.includes(host));
}

function tcpDestinations(
  service: Service,
  port: number,
  vss: readonly ResolvedVirtualService[],
  proxy: Proxy,
  push: PushContext,
): WeightedCluster[] {
  const vs = vsForHost(vss, service.hostname);
  for (const route of vs?.resource.spec.tcp ?? []) {
    const matches = route.match ?? [];
    const applies =
      matches.length === 0 ||
      matches.some((m) => l4MatchApplies(m, port, proxy.labels, proxy.namespace, 'mesh'));
    if (applies && vs && route.route && route.route.length > 0) {
      const dests = weightedDestinations(route.route, vs, port, push, proxy.namespace);
      if (dests.length > 0) return dests;
    }
  }
  return [{ name: outboundClusterName(port, undefined, service.hostname), weight: 100 }];
}

function tlsChains(
  service: Service,
  port: number,
  vss: readonly ResolvedVirtualService[],
  proxy: Proxy,
  push: PushContext,
  needsSni: boolean,
): FilterChain[] {
  const chains: FilterChain[] = [];
  const vs = vsForHost(vss, service.hostname);
  for (const route of vs?.resource.spec.tls ?? []) {
    if (!vs || !route.route || route.route.length === 0) continue;
    for (const m of route.match) {
      if (!l4MatchApplies(m, port, proxy.labels, proxy.namespace, 'mesh')) continue;
      const dests = weightedDestinations(route.route, vs, port, push, proxy.namespace);
      if (dests.length === 0) continue;
      chains.push(
        create(FilterChainSchema, {
          filterChainMatch: { serverNames: [...m.sniHosts] },
          filters: [tcpProxyToDestinations(dests)],
        }),
      );
    }
  }
  if (chains.length === 0) {
    const cluster = outboundClusterName(port, undefined, service.hostname);
    chains.push(
      create(FilterChainSchema, {
        filterChainMatch: needsSni ? { serverNames: [service.hostname] } : undefined,
        filters: [tcpProxyFilter(cluster)],
      }),
    );
  }
  return chains;
}
