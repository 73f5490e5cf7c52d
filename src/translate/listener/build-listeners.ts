// Entry point of listener translation: picks the listener set for the proxy's kind.
//   sidecar         → virtualOutbound, virtualInbound, bound Sidecar ingress listeners,
//                     per-port outbound listeners;
//   router          → gateway server listeners;
//   proxyless gRPC  → API listeners for the requested names.
import type { Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { buildBoundInboundListeners } from './bound-inbound.js';
import { buildGatewayListeners } from './gateway-listeners.js';
import { buildGrpcListeners } from './grpc-listeners.js';
import { sharedSidecarOutboundListeners } from '../cache/shared-routing.js';
import type { SidecarScope } from './sidecar-scope.js';
import { buildVirtualInboundListener } from './virtual-inbound.js';
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
  if (proxy.type === 'router') return buildGatewayListeners(proxy, push);
  return [
    buildVirtualOutboundListener(scope.outboundTrafficPolicy),
    buildVirtualInboundListener(proxy, push, scope),
    ...buildBoundInboundListeners(proxy, push, scope),
    ...sharedSidecarOutboundListeners(proxy, push, scope),
  ];
}
