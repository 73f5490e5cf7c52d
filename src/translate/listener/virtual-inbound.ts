// `virtualInbound` (0.0.0.0:15006): where iptables redirects every inbound connection. The
// original_dst listener filter restores the destination, tls_inspector / http_inspector detect
// TLS and HTTP, and Envoy picks a filter chain by destination_port, then transport_protocol,
// then ALPN. Per workload port the effective PeerAuthentication mode decides the chains:
//   STRICT     → mTLS chains only (transport_protocol tls, Istio mTLS server context);
//   PERMISSIVE → mTLS chains (told apart by Istio's ALPNs) plus raw_buffer plaintext chains;
//   DISABLE    → raw_buffer plaintext chains only
// (the exact table is in inbound-chain-options.ts).
// Ports the workload does not declare fall through to the catch-all passthrough chains
// (InboundPassthroughCluster), shaped by the workload-level mode the same way.
// AuthorizationPolicies add RBAC filters to every chain but the blackhole one (HTTP RBAC in
// the HCM, network RBAC before tcp_proxy), as istiod does.
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
import { inboundChainOptions } from './inbound-chain-options.js';
import { envoyHttpFilters } from './http-filters.js';
import { httpConnectionManagerFilter } from './http-connection-manager.js';
import { inboundListenerInputs, type InboundListenerInputs } from './inbound-listener-inputs.js';
import type { InboundPort } from './inbound-ports.js';
import { inboundRouteConfig } from './inbound-route-config.js';
import { effectiveMtlsMode, type EffectiveMtls } from './peer-authentication.js';
import { listenerClass } from './protocol-class.js';
import type { SidecarScope } from './sidecar-scope.js';
import { tcpProxyFilter } from './tcp-proxy.js';
import { sharedAuthzFilters, type SidecarAuthzFilters } from '../authz/sidecar-rbac-filters.js';
import { memo, objectId } from '../cache/push-memo.js';
import { socketAddress } from '../common/socket-address.js';
import { typedFilter, type TypedFilter } from './typed-config.js';
import {
  BLACKHOLE_CLUSTER,
  INBOUND_PASSTHROUGH_CLUSTER,
  LISTENER_HTTP_INSPECTOR,
  LISTENER_ORIGINAL_DST,
  LISTENER_TLS_INSPECTOR,
  VIRTUAL_INBOUND,
  VIRTUAL_INBOUND_PORT,
  WILDCARD_ADDRESS,
} from './well-known-names.js';

function httpFilterFor(p: InboundPort, authz: SidecarAuthzFilters): TypedFilter {
  const operation = p.hosts[0] ? `${p.hosts[0]}/*` : `${p.cluster}/*`;
  return httpConnectionManagerFilter({
    role: 'sidecar-inbound',
    statPrefix: `inbound_${p.bind}_${p.port}`,
    routeConfig: inboundRouteConfig(p.cluster, `inbound|http|${p.port}`, p.cluster, operation),
    httpFilters: envoyHttpFilters(p.protocol, authz.http),
  });
}

function chainKind(p: InboundPort): 'http' | 'tcp' | 'auto' {
  const cls = listenerClass(p.protocol);
  return cls === 'http' || cls === 'auto' ? cls : 'tcp';
}

/** The chains serving one workload port, named `<bind>_<port>`. */
export function portChains(
  p: InboundPort,
  mode: EffectiveMtls,
  authz: SidecarAuthzFilters,
): FilterChain[] {
  // The mTLS and plaintext chains of a port carry the same filters: build them once.
  let http: TypedFilter | undefined;
  let tcp: TypedFilter | undefined;
  return inboundChainOptions(chainKind(p), mode).map((o) =>
    create(FilterChainSchema, {
      name: `${p.bind}_${p.port}`,
      filterChainMatch: {
        destinationPort: p.port,
        transportProtocol: o.transportProtocol,
        applicationProtocols: [...o.applicationProtocols],
      },
      transportSocket: o.mtls ? istioMutualServerTls(o.protocol === 'http') : undefined,
      filters:
        o.protocol === 'http'
          ? [(http ??= httpFilterFor(p, authz))]
          : [...authz.network, (tcp ??= tcpProxyFilter(p.cluster))],
    }),
  );
}

function passthroughChains(mode: EffectiveMtls, authz: SidecarAuthzFilters): FilterChain[] {
  const httpPassthrough = httpConnectionManagerFilter({
    role: 'sidecar-inbound',
    statPrefix: 'inbound_0.0.0.0_0',
    routeConfig: inboundRouteConfig(
      INBOUND_PASSTHROUGH_CLUSTER,
      'inbound|http|0',
      INBOUND_PASSTHROUGH_CLUSTER,
      `${INBOUND_PASSTHROUGH_CLUSTER}/*`,
    ),
    httpFilters: envoyHttpFilters(undefined, authz.http),
  });
  return inboundChainOptions('auto', mode).map((o) =>
    create(FilterChainSchema, {
      name: o.protocol === 'http' ? 'virtualInbound-catchall-http' : 'virtualInbound',
      filterChainMatch: {
        transportProtocol: o.transportProtocol,
        applicationProtocols: [...o.applicationProtocols],
      },
      transportSocket: o.mtls ? istioMutualServerTls(o.protocol === 'http') : undefined,
      filters:
        o.protocol === 'http'
          ? [httpPassthrough]
          : [...authz.network, tcpProxyFilter(INBOUND_PASSTHROUGH_CLUSTER)],
    }),
  );
}

export function buildVirtualInboundListener(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
): Listener {
  return virtualInboundListener(push, inboundListenerInputs(proxy, push, scope));
}

/** The listener for gathered inputs: reads nothing of the proxy beyond them (shared per push). */
export function virtualInboundListener(push: PushContext, inputs: InboundListenerInputs): Listener {
  const policies = inputs.peerAuthentications;
  // AuthorizationPolicy RBAC, built once per push and policy set, shared by every chain.
  const authz = sharedAuthzFilters(inputs.authorizationPolicies, push);
  const chains: FilterChain[] = [
    create(FilterChainSchema, {
      name: 'virtualInbound-blackhole',
      filterChainMatch: { destinationPort: VIRTUAL_INBOUND_PORT },
      filters: [tcpProxyFilter(BLACKHOLE_CLUSTER)],
    }),
  ];
  for (const p of inputs.ports) {
    if (p.bindToPort) continue; // its own listener (bound-inbound.ts)
    chains.push(...portChains(p, effectiveMtlsMode(policies, p.port), authz));
  }
  // The catch-all chains depend on the workload-level mode and the RBAC filters only.
  const mode = effectiveMtlsMode(policies);
  chains.push(
    ...memo(push, `vin-catchall|${mode}|${objectId(authz)}`, () => passthroughChains(mode, authz)),
  );
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
