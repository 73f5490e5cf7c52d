// `virtualInbound` (0.0.0.0:15006): where iptables redirects every inbound connection. The
// original_dst listener filter restores the destination, tls_inspector / http_inspector detect
// TLS and HTTP, and Envoy picks a filter chain by destination_port, then transport_protocol,
// then ALPN. Per workload port the effective PeerAuthentication mode decides the chains:
//   STRICT     → one chain, transport_protocol tls, Istio mTLS server context;
//   PERMISSIVE → that chain plus a raw_buffer (plaintext) chain;
//   DISABLE    → one plaintext chain with no transport match.
// Ports the workload does not declare fall through to the catch-all passthrough chains
// (InboundPassthroughCluster), shaped by the workload-level mode the same way.
import { create } from '@bufbuild/protobuf';
import { TrafficDirection } from '../../gen/envoy/config/core/v3/base_pb.js';
import {
  FilterChainSchema,
  type FilterChain,
} from '../../gen/envoy/config/listener/v3/listener_components_pb.js';
import { ListenerSchema, type Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { HttpInspectorSchema } from '../../gen/envoy/extensions/filters/listener/http_inspector/v3/http_inspector_pb.js';
import { OriginalDstSchema } from '../../gen/envoy/extensions/filters/listener/original_dst/v3/original_dst_pb.js';
import { TlsInspectorSchema } from '../../gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { istioMutualServerTls } from './downstream-tls.js';
import { envoyHttpFilters } from './http-filters.js';
import { httpConnectionManagerFilter } from './http-connection-manager.js';
import { inboundPorts, type InboundPort } from './inbound-ports.js';
import { inboundRouteConfig } from './inbound-route-config.js';
import { effectiveMtlsMode, type EffectiveMtls } from './peer-authentication.js';
import { listenerClass } from './protocol-class.js';
import type { SidecarScope } from './sidecar-scope.js';
import { tcpProxyFilter } from './tcp-proxy.js';
import { socketAddress, typedFilter, type TypedFilter } from './typed-config.js';
import {
  BLACKHOLE_CLUSTER,
  INBOUND_PASSTHROUGH_CLUSTER,
  LISTENER_HTTP_INSPECTOR,
  LISTENER_ORIGINAL_DST,
  LISTENER_TLS_INSPECTOR,
  MTLS_HTTP_ALPNS,
  PLAINTEXT_HTTP_ALPNS,
  VIRTUAL_INBOUND,
  VIRTUAL_INBOUND_PORT,
  WILDCARD_ADDRESS,
} from './well-known-names.js';

type Transport = 'tls' | 'raw_buffer' | 'any';

/** The chain variants a mode produces: mTLS and/or plaintext. */
function transportsFor(mode: EffectiveMtls): Transport[] {
  switch (mode) {
    case 'STRICT':
      return ['tls'];
    case 'PERMISSIVE':
      return ['tls', 'raw_buffer'];
    case 'DISABLE':
      return ['any'];
  }
}

function httpFilterFor(p: InboundPort): TypedFilter {
  const operation = p.hosts[0] ? `${p.hosts[0]}/*` : `${p.cluster}/*`;
  return httpConnectionManagerFilter({
    role: 'sidecar-inbound',
    statPrefix: `inbound_${WILDCARD_ADDRESS}_${p.port}`,
    routeConfig: inboundRouteConfig(p.cluster, `inbound|http|${p.port}`, p.cluster, operation),
    httpFilters: envoyHttpFilters(p.protocol),
  });
}

function portChains(p: InboundPort, mode: EffectiveMtls): FilterChain[] {
  const cls = listenerClass(p.protocol);
  const http = cls === 'http';
  const sniffed = cls === 'auto';
  const name = `${WILDCARD_ADDRESS}_${p.port}`;
  const chains: FilterChain[] = [];
  for (const transport of transportsFor(mode)) {
    const transportProtocol = transport === 'any' ? '' : transport;
    const transportSocket = transport === 'tls' ? istioMutualServerTls(http || sniffed) : undefined;
    if (sniffed) {
      // Undeclared protocol: HTTP by ALPN (Istio's or http_inspector's), TCP otherwise.
      chains.push(
        create(FilterChainSchema, {
          name,
          filterChainMatch: {
            destinationPort: p.port,
            transportProtocol,
            applicationProtocols: transport === 'tls' ? MTLS_HTTP_ALPNS : PLAINTEXT_HTTP_ALPNS,
          },
          transportSocket,
          filters: [httpFilterFor(p)],
        }),
      );
    }
    chains.push(
      create(FilterChainSchema, {
        name,
        filterChainMatch: { destinationPort: p.port, transportProtocol },
        transportSocket,
        filters: [http ? httpFilterFor(p) : tcpProxyFilter(p.cluster)],
      }),
    );
  }
  return chains;
}

function passthroughChains(mode: EffectiveMtls): FilterChain[] {
  const chains: FilterChain[] = [];
  const httpPassthrough = httpConnectionManagerFilter({
    role: 'sidecar-inbound',
    statPrefix: 'inbound_0.0.0.0_0',
    routeConfig: inboundRouteConfig(
      INBOUND_PASSTHROUGH_CLUSTER,
      'inbound|http|0',
      INBOUND_PASSTHROUGH_CLUSTER,
      `${INBOUND_PASSTHROUGH_CLUSTER}/*`,
    ),
    httpFilters: envoyHttpFilters(),
  });
  for (const transport of transportsFor(mode)) {
    const transportProtocol = transport === 'any' ? '' : transport;
    const tls = transport === 'tls';
    chains.push(
      create(FilterChainSchema, {
        name: 'virtualInbound-catchall-http',
        filterChainMatch: {
          transportProtocol,
          applicationProtocols: tls ? MTLS_HTTP_ALPNS : PLAINTEXT_HTTP_ALPNS,
        },
        transportSocket: tls ? istioMutualServerTls(true) : undefined,
        filters: [httpPassthrough],
      }),
      create(FilterChainSchema, {
        name: 'virtualInbound',
        filterChainMatch: { transportProtocol },
        transportSocket: tls ? istioMutualServerTls(false) : undefined,
        filters: [tcpProxyFilter(INBOUND_PASSTHROUGH_CLUSTER)],
      }),
    );
  }
  return chains;
}

export function buildVirtualInboundListener(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
): Listener {
  const policies = push.peerAuthenticationsFor(proxy.namespace, proxy.labels);
  const chains: FilterChain[] = [
    create(FilterChainSchema, {
      name: 'virtualInbound-blackhole',
      filterChainMatch: { destinationPort: VIRTUAL_INBOUND_PORT },
      filters: [tcpProxyFilter(BLACKHOLE_CLUSTER)],
    }),
  ];
  for (const p of inboundPorts(proxy, push, scope)) {
    chains.push(...portChains(p, effectiveMtlsMode(policies, p.port)));
  }
  chains.push(...passthroughChains(effectiveMtlsMode(policies)));
  return create(ListenerSchema, {
    name: VIRTUAL_INBOUND,
    address: socketAddress(WILDCARD_ADDRESS, VIRTUAL_INBOUND_PORT),
    trafficDirection: TrafficDirection.INBOUND,
    listenerFilters: [
      typedFilter(LISTENER_ORIGINAL_DST, OriginalDstSchema),
      typedFilter(LISTENER_TLS_INSPECTOR, TlsInspectorSchema),
      typedFilter(LISTENER_HTTP_INSPECTOR, HttpInspectorSchema),
    ],
    continueOnListenerFiltersTimeout: true,
    filterChains: chains,
  });
}
