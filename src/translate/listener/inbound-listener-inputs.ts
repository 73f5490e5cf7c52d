// Everything the inbound listeners (virtualInbound and the Sidecar-bound ingress listeners) take
// from the proxy, gathered in one place: the workload ports (from the Services selecting it, or
// the Sidecar's ingress listeners, with their bindings), and the PeerAuthentications and
// AuthorizationPolicies that select it. The builders read only these inputs and push-wide state,
// never the proxy, so proxies with equal inputs get equal listeners; inboundListenerKey is the
// memo key part that says when inputs are equal (see cache/shared-inbound.ts).
import type { ConfigResource } from '../../model/config.js';
import type { PeerAuthenticationSpec } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { AuthorizationPolicy } from '../authz/applicable-policies.js';
import { objectId } from '../cache/push-memo.js';
import { inboundPorts, type InboundPort } from './inbound-ports.js';
import type { SidecarScope } from './sidecar-scope.js';

export interface InboundListenerInputs {
  /** The workload's ports, sorted; bindings already resolved against the proxy's IPs. */
  ports: readonly InboundPort[];
  /** Most specific last (mesh, namespace, workload), as the push context returns them. */
  peerAuthentications: readonly ConfigResource<PeerAuthenticationSpec>[];
  /** In the push context's order (root namespace first, each oldest first). */
  authorizationPolicies: readonly AuthorizationPolicy[];
}

export function inboundListenerInputs(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
): InboundListenerInputs {
  return {
    ports: inboundPorts(proxy, push, scope),
    peerAuthentications: push.peerAuthenticationsFor(proxy.namespace, proxy.labels),
    authorizationPolicies: push.authorizationPoliciesFor(proxy.namespace, proxy.labels),
  };
}

/**
 * Equal keys within one push mean equal inputs: the ports as data (ports, protocols, served
 * hosts, bindings), the policies by identity. Labels, IPs and the namespace are not in it
 * directly: they matter exactly as far as they changed one of these.
 */
export function inboundListenerKey(inputs: InboundListenerInputs): string {
  return JSON.stringify([
    inputs.ports,
    inputs.peerAuthentications.map(objectId),
    inputs.authorizationPolicies.map(objectId),
  ]);
}
