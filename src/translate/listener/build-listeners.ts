// Entry point of listener translation: picks the listener set for the proxy's kind.
//   sidecar         → virtualOutbound, virtualInbound, bound Sidecar ingress listeners,
//                     per-port outbound listeners;
//   router          → gateway server listeners;
//   proxyless gRPC  → API listeners for the requested names.
import type { Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { buildGatewayListeners } from './gateway-listeners.js';
import { buildGrpcListeners } from './grpc-listeners.js';
import { labelsKey, memo } from '../cache/push-memo.js';
import { sharedInboundListeners } from '../cache/shared-inbound.js';
import { sharedSidecarOutboundListeners } from '../cache/shared-routing.js';
import type { SidecarScope } from './sidecar-scope.js';
import { buildVirtualOutboundListener } from './virtual-outbound.js';

export interface ListenerOptions {
  /** LDS names a proxyless gRPC client subscribed to. */
  listenerNames?: readonly string[];
}

export function buildListeners(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
  opts: ListenerOptions = {},
): Listener[] {
  if (proxy.generator === 'grpc') return buildGrpcListeners(proxy, push, scope, opts.listenerNames);
  // Gateway listeners read the proxy's namespace and labels only (Gateway selection, own ports).
  if (proxy.type === 'router')
    return [
      ...memo(push, `gwl|${proxy.namespace}|${labelsKey(proxy.labels)}`, () =>
        buildGatewayListeners(proxy, push),
      ),
    ];
  // Every piece is shared per push: virtualOutbound depends on the policy only, the inbound
  // side on the inputs cache/shared-inbound.ts keys on, the outbound side on the scope.
  const policy = scope.outboundTrafficPolicy;
  const inbound = sharedInboundListeners(proxy, push, scope);
  return [
    memo(push, `vout|${policy}`, () => buildVirtualOutboundListener(policy)),
    inbound.virtualInbound,
    ...inbound.bound,
    ...sharedSidecarOutboundListeners(proxy, push, scope),
  ];
}
