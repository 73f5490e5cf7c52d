// Sidecar ingress ports with captureMode NONE: istiod gives each a real listener `<bind>_<port>`
// bound to `<bind>:<port>` (bind default: the pod IP) instead of chains in virtualInbound, for
// workloads no iptables redirects traffic to. The listener carries the same per-port chains
// virtualInbound would (PeerAuthentication decides mTLS / plaintext, AuthorizationPolicy adds
// RBAC), forwarding to `inbound|<port>||` (the defaultEndpoint's STATIC cluster). No
// original_dst filter (the socket address is the destination), and no passthrough chains.
import { create } from '@bufbuild/protobuf';
import { TrafficDirection } from '../../gen/envoy/config/core/v3/base_pb.js';
import {
  ListenerFilterSchema,
  type FilterChain,
  type ListenerFilter,
} from '../../gen/envoy/config/listener/v3/listener_components_pb.js';
import { ListenerSchema, type Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { HttpInspectorSchema } from '../../gen/envoy/extensions/filters/listener/http_inspector/v3/http_inspector_pb.js';
import { TlsInspectorSchema } from '../../gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { sharedAuthzFilters } from '../authz/sidecar-rbac-filters.js';
import { inboundListenerInputs, type InboundListenerInputs } from './inbound-listener-inputs.js';
import { boundListenerFields } from './listener-binding.js';
import { effectiveMtlsMode } from './peer-authentication.js';
import type { SidecarScope } from './sidecar-scope.js';
import { socketAddress } from '../common/socket-address.js';
import { typedFilter } from './typed-config.js';
import { portChains } from './virtual-inbound.js';
import {
  LISTENER_HTTP_INSPECTOR,
  LISTENER_TLS_INSPECTOR,
  PLAINTEXT_HTTP_ALPNS,
  listenerName,
} from './well-known-names.js';

/**
 * The inspectors the chains need, as istiod derives them: TLS inspection only for the port's
 * TLS chains (a filter_disabled predicate outside it), HTTP inspection where a chain matches
 * plaintext HTTP ALPNs.
 */
function listenerFilters(port: number, chains: readonly FilterChain[]): ListenerFilter[] {
  const out: ListenerFilter[] = [];
  if (chains.some((c) => c.filterChainMatch?.transportProtocol === 'tls')) {
    out.push(
      create(ListenerFilterSchema, {
        ...typedFilter(LISTENER_TLS_INSPECTOR, TlsInspectorSchema),
        filterDisabled: {
          rule: {
            case: 'notMatch',
            value: {
              rule: { case: 'destinationPortRange', value: { start: port, end: port + 1 } },
            },
          },
        },
      }),
    );
  }
  const http = chains.some((c) =>
    (c.filterChainMatch?.applicationProtocols ?? []).some((a) => PLAINTEXT_HTTP_ALPNS.includes(a)),
  );
  if (http)
    out.push(
      create(ListenerFilterSchema, typedFilter(LISTENER_HTTP_INSPECTOR, HttpInspectorSchema)),
    );
  return out;
}

export function buildBoundInboundListeners(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
): Listener[] {
  return boundInboundListeners(push, inboundListenerInputs(proxy, push, scope));
}

/** The listeners for gathered inputs: reads nothing of the proxy beyond them (shared per push). */
export function boundInboundListeners(
  push: PushContext,
  inputs: InboundListenerInputs,
): Listener[] {
  const bound = inputs.ports.filter((p) => p.bindToPort);
  if (bound.length === 0) return [];
  const policies = inputs.peerAuthentications;
  const authz = sharedAuthzFilters(inputs.authorizationPolicies, push);
  return bound.map((p) => {
    const chains = portChains(p, effectiveMtlsMode(policies, p.port), authz);
    return create(ListenerSchema, {
      name: listenerName(p.bind, p.port),
      address: socketAddress(p.bind, p.port),
      trafficDirection: TrafficDirection.INBOUND,
      ...boundListenerFields(),
      listenerFilters: listenerFilters(p.port, chains),
      filterChains: chains,
    });
  });
}
