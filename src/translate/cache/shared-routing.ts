// Sidecar scopes, sidecar outbound listeners and route configurations shared between proxies
// within one push. All of them depend on the proxy through its type, namespace and the Sidecar
// resource that applies (together: the scope, which is itself shared, so its identity is the
// key), on labels only when routing selects workloads (sourceLabels matches,
// workload-selecting DestinationRules), and route configs on the generator.
import type { Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import type { RouteConfiguration } from '../../gen/envoy/config/route/v3/route_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { buildGatewayRouteConfigs } from '../listener/gateway-route-configs.js';
import { buildSidecarOutboundListeners } from '../listener/sidecar-outbound.js';
import { buildSidecarScope, type SidecarScope } from '../listener/sidecar-scope.js';
import { labelsKey, memo, memoOn, objectId } from './push-memo.js';
import { routingLabelsPart } from './proxy-keys.js';

/**
 * The proxy's SidecarScope, one object per (type, namespace, applicable Sidecar, outbound
 * policy). A scope is built from exactly those and the services exported to the namespace, so
 * it is kept with that (immutable) list: pushes that keep the service registry keep their scopes
 * (build-push-context.ts), and a Sidecar re-applied is a new object, so a new key.
 */
export function sharedSidecarScope(proxy: Proxy, push: PushContext): SidecarScope {
  const sidecar =
    proxy.type === 'sidecar' ? push.sidecarFor(proxy.namespace, proxy.labels) : undefined;
  const exported = push.servicesVisibleTo(proxy.namespace);
  const policy = push.mesh.outboundTrafficPolicy ?? '';
  const key = `scope|${proxy.type}|${proxy.namespace}|${objectId(sidecar)}|${policy}`;
  return memoOn(exported, key, () => buildSidecarScope(proxy, push));
}

/** Memo key part naming a shared scope (valid only with the push the scope came from). */
export function scopeKey(scope: SidecarScope): string {
  return objectId(scope);
}

export function sharedSidecarOutboundListeners(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
): Listener[] {
  const key = `olis|${scopeKey(scope)}|${routingLabelsPart(proxy, push)}`;
  return memo(push, key, () => buildSidecarOutboundListeners(proxy, push, scope));
}

/** A sidecar route config for one port; `build` must be the unshared builder for this proxy. */
export function sharedSidecarRouteConfig(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
  port: string,
  build: () => RouteConfiguration,
): RouteConfiguration {
  const generator = proxy.generator ?? '';
  const key = `rc|${port}|${scopeKey(scope)}|${routingLabelsPart(proxy, push)}|${generator}`;
  return memo(push, key, build);
}

/** A gateway's route configs: they depend on the gateways selected (namespace, labels). */
export function sharedGatewayRouteConfigs(
  proxy: Proxy,
  push: PushContext,
  names: readonly string[],
): RouteConfiguration[] {
  const key = `gwrc|${proxy.namespace}|${labelsKey(proxy.labels)}|${names.join('\n')}`;
  return memo(push, key, () => buildGatewayRouteConfigs(proxy, push, names));
}
