// The routing fast path: a change of VirtualServices only can alter a sidecar's outbound
// listeners and route configurations (clusters, load assignments and inbound listeners never
// read VirtualServices), and those are shared per namespace/Sidecar scope (translate/cache). The
// server first skips the sidecars no changed VirtualService can reach (config-dependencies.ts);
// for the others, a sidecar whose shared outbound listeners and route configs encode to the same
// content as before is left untouched (no per-proxy translation, nothing to diff or send), else
// only those are rebuilt and patched into its served snapshot. Gateways get the same patch for
// their (whole) listener and route config sets when their clusters cannot have changed.
import { ListenerSchema, type Listener } from '../gen/envoy/config/listener/v3/listener_pb.js';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../gen/envoy/config/route/v3/route_pb.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { memo, objectId } from '../translate/cache/push-memo.js';
import { routingLabelsPart } from '../translate/cache/proxy-keys.js';
import {
  sharedSidecarOutboundListeners,
  sharedSidecarScope,
} from '../translate/cache/shared-routing.js';
import { buildListeners } from '../translate/listener/build-listeners.js';
import { rdsNamesOf } from '../translate/listener/inspect.js';
import { VIRTUAL_INBOUND, VIRTUAL_OUTBOUND } from '../translate/listener/well-known-names.js';
import { buildRoutes } from '../translate/translate-proxy.js';
import { encodeResource, type XdsResource } from '../xds/resource.js';
import type { Snapshot } from '../xds/snapshot-cache.js';
import { ROUTE_TYPE } from '../xds/type-urls.js';

/** Proxies the routing fast path may skip: Envoy sidecars (gateways and gRPC are re-translated). */
export function routingFastPathApplies(proxy: Proxy): boolean {
  return proxy.type === 'sidecar' && proxy.generator === undefined;
}

/** Envoy gateways, whose listeners and route configs gatewayRoutingPatch rebuilds. */
export function gatewayRoutingApplies(proxy: Proxy): boolean {
  return proxy.type === 'router' && proxy.generator === undefined;
}

/**
 * Whether the proxy's routing is unchanged from `previousPush` (with which `served`, its current
 * snapshot, was translated) to `push`: same outbound listeners and same route configs,
 * content-wise.
 */
export function routingUnchanged(
  proxy: Proxy,
  served: Snapshot,
  previousPush: PushContext,
  push: PushContext,
): boolean {
  // The answer depends on the proxy only through its scopes and routing label parts (both
  // pushes) and the route resources it was served, so it is computed once per such group: a
  // VirtualService push then costs a few map lookups per proxy, not a route-config comparison.
  const previousScope = sharedSidecarScope(proxy, previousPush);
  const scope = sharedSidecarScope(proxy, push);
  const servedRoutes = [...(served.get(ROUTE_TYPE)?.values() ?? [])].map(objectId).join(',');
  const key = [
    'routing-unchanged',
    objectId(previousScope),
    routingLabelsPart(proxy, previousPush),
    objectId(scope),
    routingLabelsPart(proxy, push),
    servedRoutes,
  ].join('|');
  return memo(push, key, () => compareRouting(proxy, served, previousPush, push));
}

function compareRouting(
  proxy: Proxy,
  served: Snapshot,
  previousPush: PushContext,
  push: PushContext,
): boolean {
  const before = sharedSidecarOutboundListeners(
    proxy,
    previousPush,
    sharedSidecarScope(proxy, previousPush),
  );
  const scope = sharedSidecarScope(proxy, push);
  const after = sharedSidecarOutboundListeners(proxy, push, scope);
  if (before.length !== after.length) return false;
  for (let i = 0; i < after.length; i++) {
    const [b, a] = [before[i], after[i]];
    if (b.name !== a.name) return false;
    if (
      b !== a &&
      encodeResource(ListenerSchema, b, b.name).version !==
        encodeResource(ListenerSchema, a, a.name).version
    )
      return false;
  }
  // Same listeners name the same route configs; rebuild those (shared) and compare.
  const previous = served.get(ROUTE_TYPE) ?? new Map<string, XdsResource>();
  const routes = buildRoutes(proxy, push, scope, [...previous.keys()]);
  if (routes.length !== previous.size) return false;
  return routes.every(
    (r) =>
      previous.get(r.name)?.version === encodeResource(RouteConfigurationSchema, r, r.name).version,
  );
}

/** What a VirtualService-only push changes for one sidecar whose routing did change. */
export interface RoutingPatch {
  /** The sidecar's outbound listeners in `push` (they replace the previous ones by name). */
  listeners: Listener[];
  /** Outbound listeners of the previous push that no longer exist. */
  removedListeners: string[];
  /** Every route config the sidecar now needs (they replace all previous ones). */
  routes: RouteConfiguration[];
}

/**
 * The sidecar's new outbound listeners and route configs for a VirtualService-only push; its
 * other listeners, clusters and load assignments are unchanged (see the header), so the caller
 * patches them into the served snapshot instead of re-translating the proxy. `localRoutes` are
 * the route config names its non-outbound listeners reference (recorded at full translation).
 */
export function routingPatch(
  proxy: Proxy,
  localRoutes: readonly string[],
  previousPush: PushContext,
  push: PushContext,
): RoutingPatch {
  const before = sharedSidecarOutboundListeners(
    proxy,
    previousPush,
    sharedSidecarScope(proxy, previousPush),
  );
  const scope = sharedSidecarScope(proxy, push);
  const listeners = sharedSidecarOutboundListeners(proxy, push, scope);
  const kept = new Set(listeners.map((l) => l.name));
  const names = new Set(localRoutes);
  for (const l of listeners) for (const n of rdsNamesOf(l)) names.add(n);
  return {
    listeners,
    removedListeners: before.filter((l) => !kept.has(l.name)).map((l) => l.name),
    routes: buildRoutes(proxy, push, scope, [...names]),
  };
}

/** What the routing and inbound fast paths keep of a sidecar's listeners. */
export interface OwnListenerFacts {
  /** Route config names its listeners other than the shared outbound ones reference. */
  localRoutes: string[];
  /** Those listeners are virtualOutbound and virtualInbound only (no Sidecar-bound ingress). */
  onlyVirtual: boolean;
}

export function ownListenerFacts(
  proxy: Proxy,
  push: PushContext,
  listeners: readonly Listener[],
): OwnListenerFacts {
  const outbound = new Set(
    sharedSidecarOutboundListeners(proxy, push, sharedSidecarScope(proxy, push)),
  );
  const own = listeners.filter((l) => !outbound.has(l));
  const names = new Set(own.map((l) => l.name));
  return {
    localRoutes: [...new Set(own.flatMap(rdsNamesOf))],
    onlyVirtual: own.length === 2 && names.has(VIRTUAL_INBOUND) && names.has(VIRTUAL_OUTBOUND),
  };
}

/**
 * A gateway's listeners and route configs in `push`, exactly as translateProxy builds them (all
 * of them: a gateway's listeners come from its Gateways and their bound VirtualServices only).
 * They replace the served ones on a VirtualService-only push; the caller keeps the clusters and
 * load assignments, which only the routed host set (cluster filtering) could change.
 */
export function gatewayRoutingPatch(
  proxy: Proxy,
  push: PushContext,
): { listeners: Listener[]; routes: RouteConfiguration[] } {
  const scope = sharedSidecarScope(proxy, push);
  const listeners = buildListeners(proxy, push, scope);
  const names = [...new Set(listeners.flatMap(rdsNamesOf))];
  return { listeners, routes: buildRoutes(proxy, push, scope, names) };
}
