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
import { socketAddress } from '../common/socket-address.js';
import { seconds, typedFilter } from './typed-config.js';
import { boundListenerFields, egressBinding, type ListenerBinding } from './listener-binding.js';
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
  bindToPort: boolean;
  /** Built for an explicit egress port: the catch-all egress listener must not add to it. */
  locked: boolean;
  httpProtocol?: Protocol;
  /** RDS name of the HTTP chain (http and auto listeners). */
  rds?: string;
  chains: FilterChain[];
  serverNames: Set<string>;
  /** tcp_proxy destinations for sniffed non-HTTP traffic (first service wins). */
  tcpFallback?: WeightedCluster[];
}

interface BuildContext {
  proxy: Proxy;
  push: PushContext;
  drafts: Map<string, Draft>;
}

export function buildSidecarOutboundListeners(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
): Listener[] {
  const ctx: BuildContext = { proxy, push, drafts: new Map() };
  const meshVirtualServices = push.virtualServicesFor(proxy.namespace, 'mesh');
  for (const egress of scope.egressListeners) {
    if (egress.bind?.startsWith('unix://')) continue; // unix socket listeners: not supported
    const virtualServices = meshVirtualServices.filter((vs) =>
      vs.hosts.some((h) => egress.isHostVisible(vs.resource.metadata.namespace, h)),
    );
    const binding = egressBinding(proxy, egress);
    const egressPort = egress.port;
    if (egressPort !== undefined) {
      // The egress port's own protocol decides the listener, whatever the services declare.
      for (const service of egress.services) {
        const entry = { service, port: egressPort.number, protocol: egressPort.protocol };
        addPort(ctx, entry, binding, virtualServices);
      }
      continue;
    }
    for (const d of ctx.drafts.values()) d.locked = true;
    for (const entry of servicePorts(egress.services)) {
      addPort(ctx, entry, binding, virtualServices);
    }
  }

  const listeners: Listener[] = [];
  for (const [name, d] of ctx.drafts) {
    listeners.push(finishListener(name, d, scope));
  }
  return listeners.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function servicePorts(services: readonly Service[]): PortEntry[] {
  const out: PortEntry[] = [];
  for (const service of services) {
    for (const p of service.ports) out.push({ service, port: p.port, protocol: p.protocol });
  }
  return out;
}

/**
 * The draft for `address:port`, created with `kind` when new; undefined when an explicit egress
 * port already owns it or it has another kind (the first service's protocol wins the address).
 */
function draftFor(
  ctx: BuildContext,
  address: string,
  port: number,
  kind: Draft['kind'],
  binding: ListenerBinding,
): Draft | undefined {
  const name = listenerName(address, port);
  const existing = ctx.drafts.get(name);
  if (existing) return existing.locked || existing.kind !== kind ? undefined : existing;
  const d: Draft = {
    address,
    port,
    kind,
    bindToPort: binding.bindToPort,
    locked: false,
    chains: [],
    serverNames: new Set(),
  };
  ctx.drafts.set(name, d);
  return d;
}

function addPort(
  ctx: BuildContext,
  entry: PortEntry,
  binding: ListenerBinding,
  virtualServices: readonly ResolvedVirtualService[],
): void {
  const { proxy, push, drafts } = ctx;
  const { service, port, protocol } = entry;
  // Reserved Envoy ports cannot carry a wildcard listener; an explicit address can.
  const address = binding.address;
  if ((address === undefined || address === WILDCARD_ADDRESS) && RESERVED_PORTS.has(port)) return;
  const vip = service.addresses[0];
  switch (listenerClass(protocol)) {
    case 'http': {
      const d = draftFor(ctx, address ?? WILDCARD_ADDRESS, port, 'http', binding);
      if (!d) break;
      d.httpProtocol ??= protocol;
      d.rds ??= String(port);
      break;
    }
    case 'auto': {
      const listenAddress = address ?? vip ?? WILDCARD_ADDRESS;
      const d = draftFor(ctx, listenAddress, port, 'auto', binding);
      if (!d || d.tcpFallback) break;
      d.tcpFallback = tcpDestinations(service, port, virtualServices, proxy, push);
      // A sniffed listener of its own gets a route config for just its service.
      d.rds =
        listenAddress === WILDCARD_ADDRESS ? String(port) : `${service.hostname}:${String(port)}`;
      break;
    }
    case 'tcp': {
      const listenAddress = address ?? vip ?? WILDCARD_ADDRESS;
      // HTTP wins a shared 0.0.0.0 port.
      if (listenAddress === WILDCARD_ADDRESS && drafts.has(listenerName(listenAddress, port)))
        break;
      const d = draftFor(ctx, listenAddress, port, 'tcp', binding);
      if (!d || d.chains.length > 0) break;
      const dests = tcpDestinations(service, port, virtualServices, proxy, push);
      d.chains.push(create(FilterChainSchema, { filters: [tcpProxyToDestinations(dests)] }));
      break;
    }
    case 'tls': {
      const listenAddress = address ?? vip ?? WILDCARD_ADDRESS;
      const d = draftFor(ctx, listenAddress, port, 'tls', binding);
      if (!d) break;
      const needsSni = address !== undefined || !vip;
      for (const chain of tlsChains(service, port, virtualServices, proxy, push, needsSni)) {
        const names = chain.filterChainMatch?.serverNames ?? [];
        if (
          names.length === 0 &&
          d.chains.some((c) => (c.filterChainMatch?.serverNames ?? []).length === 0)
        )
          continue;
        const fresh = names.filter((n) => !d.serverNames.has(n));
        if (names.length > 0 && fresh.length === 0) continue;
        fresh.forEach((n) => d.serverNames.add(n));
        if (chain.filterChainMatch && names.length > 0) chain.filterChainMatch.serverNames = fresh;
        d.chains.push(chain);
      }
      break;
    }
    case 'none':
      break;
  }
}

function httpChain(name: string, rds: string, protocol: Protocol | undefined): FilterChain {
  return create(FilterChainSchema, {
    filters: [
      httpConnectionManagerFilter({
        role: 'sidecar-outbound',
        statPrefix: `outbound_${name}`,
        rds,
        httpFilters: envoyHttpFilters(protocol),
      }),
    ],
  });
}

function finishListener(name: string, d: Draft, scope: SidecarScope): Listener {
  const base = {
    name,
    address: socketAddress(d.address, d.port),
    trafficDirection: TrafficDirection.OUTBOUND,
    // Virtual listeners only match original destinations; bound ones own a socket.
    ...(d.bindToPort ? boundListenerFields() : { bindToPort: false }),
  };
  const rds = d.rds ?? String(d.port);
  switch (d.kind) {
    case 'http':
      return create(ListenerSchema, {
        ...base,
        filterChains: [httpChain(name, rds, d.httpProtocol)],
      });
    case 'auto': {
      // istiod's sniffing shape: the HCM chain matched by http_inspector's ALPN, everything
      // else (server-first protocols, TLS, unknown) falls to the tcp_proxy default chain.
      const http = httpChain(name, rds, undefined);
      return create(ListenerSchema, {
        ...base,
        listenerFilters: [typedFilter(LISTENER_HTTP_INSPECTOR, HttpInspectorSchema)],
        continueOnListenerFiltersTimeout: true,
        listenerFiltersTimeout: seconds(0),
        filterChains: [
          create(FilterChainSchema, {
            filterChainMatch: {
              transportProtocol: 'raw_buffer',
              applicationProtocols: PLAINTEXT_HTTP_ALPNS,
            },
            filters: http.filters,
          }),
        ],
        defaultFilterChain: create(FilterChainSchema, {
          filters: [
            tcpProxyToDestinations(d.tcpFallback ?? [{ name: PASSTHROUGH_CLUSTER, weight: 100 }]),
          ],
        }),
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
