// A proxy's next snapshot built from the one it was served, for the push paths that patch it
// (push-path.ts). Contract: given a snapshot equal to the proxy's full translation with
// `previous`, each returns one equal to its full translation with `push`, under the conditions
// its path is chosen for. Only the rebuilt resources are (re-)encoded; every type left alone
// keeps its map, so diffs and pushes cover just what a patch touched.
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { ClusterSchema } from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema, type Listener } from '../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../gen/envoy/config/route/v3/route_pb.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { sharedInboundListeners } from '../translate/cache/shared-inbound.js';
import { sharedSidecarScope } from '../translate/cache/shared-routing.js';
import { buildListeners } from '../translate/listener/build-listeners.js';
import { rdsNamesOf } from '../translate/listener/inspect.js';
import type { XdsResource } from '../xds/resource.js';
import type { Snapshot } from '../xds/snapshot-cache.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../xds/type-urls.js';
import type { ConfigChanges } from './config-dependencies.js';
import { destinationRulePatch } from './destination-rule-delta.js';
import { applyEndpointDelta, type EndpointDelta } from './endpoint-delta.js';
import { withReplaced, type ResourceInterner } from './proxy-snapshot.js';
import { gatewayRoutingPatch, routingPatch } from './routing-delta.js';

/**
 * `endpoints` path: the served snapshot with the load assignments the delta affects rebuilt;
 * undefined when it affects none of the proxy's (the served snapshot stays as is).
 */
export function withEndpointDelta(
  served: Snapshot,
  proxy: Proxy,
  push: PushContext,
  delta: EndpointDelta,
  interner: ResourceInterner,
): Snapshot | undefined {
  const names = served.get(ENDPOINT_TYPE)?.keys() ?? [];
  const rebuilt = applyEndpointDelta(proxy, names, push, delta);
  if (rebuilt.length === 0) return undefined;
  const replaced = rebuilt.map((e) =>
    interner.intern(ClusterLoadAssignmentSchema, e, e.clusterName),
  );
  return withReplaced(served, replaced);
}

/**
 * `patch-routing` path (sidecars): outbound listeners and route configs rebuilt, the listeners
 * outside the patch (and the route configs named in `localRoutes`) kept.
 */
export function withRoutingPatch(
  served: Snapshot,
  proxy: Proxy,
  localRoutes: readonly string[],
  previous: PushContext,
  push: PushContext,
  interner: ResourceInterner,
): Snapshot {
  const patch = routingPatch(proxy, localRoutes, previous, push);
  const listeners = new Map(served.get(LISTENER_TYPE));
  for (const name of patch.removedListeners) listeners.delete(name);
  for (const [name, l] of internByName(ListenerSchema, patch.listeners, interner))
    listeners.set(name, l);
  const routes = internByName(RouteConfigurationSchema, patch.routes, interner);
  const next = new Map(served);
  next.set(LISTENER_TYPE, listeners);
  if (routes.size > 0 || served.has(ROUTE_TYPE)) next.set(ROUTE_TYPE, routes);
  return next;
}

/**
 * `patch-gateway-routing` path: the gateway's listeners and route configs rebuilt and replacing
 * the served ones; clusters and load assignments keep their entries.
 */
export function withGatewayRoutingPatch(
  served: Snapshot,
  proxy: Proxy,
  push: PushContext,
  interner: ResourceInterner,
): Snapshot {
  const patch = gatewayRoutingPatch(proxy, push);
  const next = new Map(served);
  for (const [typeUrl, resources] of [
    [LISTENER_TYPE, internByName(ListenerSchema, patch.listeners, interner)],
    [ROUTE_TYPE, internByName(RouteConfigurationSchema, patch.routes, interner)],
  ] as const) {
    setType(next, typeUrl, resources);
  }
  return next;
}

/**
 * `patch-listeners` path: the proxy's listeners rebuilt (as translateProxy builds them) and
 * replacing the served ones; route configs, clusters and load assignments kept. Undefined when
 * the rebuilt listeners name other route configs than those served: only a translation then
 * gives the right routes.
 */
export function withListenerPatch(
  served: Snapshot,
  proxy: Proxy,
  push: PushContext,
  interner: ResourceInterner,
): { snapshot: Snapshot; listeners: Listener[] } | undefined {
  const listeners = buildListeners(proxy, push, sharedSidecarScope(proxy, push));
  const servedRoutes = served.get(ROUTE_TYPE) ?? new Map<string, XdsResource>();
  const names = new Set(listeners.flatMap(rdsNamesOf));
  if (names.size !== servedRoutes.size) return undefined;
  for (const name of names) if (!servedRoutes.has(name)) return undefined;
  const next = new Map(served);
  setType(next, LISTENER_TYPE, internByName(ListenerSchema, listeners, interner));
  return { snapshot: next, listeners };
}

/**
 * `patch-listeners` path for a sidecar whose listeners besides the shared outbound ones were
 * virtualOutbound and virtualInbound only (ConnectedProxy.onlyVirtualListeners): a
 * PeerAuthentication / AuthorizationPolicy change alters its inbound side alone, so virtualInbound
 * is rebuilt and the served outbound listeners kept. Undefined when that no longer describes the
 * proxy (it now has Sidecar-bound ingress listeners, or virtualInbound names other route configs
 * than `localRoutes`): withListenerPatch then rebuilds every listener.
 */
export function withInboundListenerPatch(
  served: Snapshot,
  proxy: Proxy,
  push: PushContext,
  localRoutes: readonly string[],
  interner: ResourceInterner,
): Snapshot | undefined {
  const inbound = sharedInboundListeners(proxy, push, sharedSidecarScope(proxy, push));
  if (inbound.bound.length > 0) return undefined;
  const listener = inbound.virtualInbound;
  const routes = new Set(rdsNamesOf(listener));
  if (routes.size !== localRoutes.length || localRoutes.some((r) => !routes.has(r))) {
    return undefined;
  }
  const listeners = new Map(served.get(LISTENER_TYPE));
  listeners.set(listener.name, interner.intern(ListenerSchema, listener, listener.name));
  const next = new Map(served);
  next.set(LISTENER_TYPE, listeners);
  return next;
}

/**
 * `patch-destination-rules` path (Envoy proxies): the clusters and load assignments the patch
 * replaces (destination-rule-delta.ts) swapped for the rebuilt ones, route configs rebuilt,
 * listeners kept.
 */
export function withDestinationRulePatch(
  served: Snapshot,
  proxy: Proxy,
  push: PushContext,
  changes: ConfigChanges,
  outboundHosts: ReadonlySet<string> | undefined,
  interner: ResourceInterner,
): Snapshot {
  const routeNames = [...(served.get(ROUTE_TYPE)?.keys() ?? [])];
  const patch = destinationRulePatch(proxy, push, changes, routeNames, outboundHosts);
  const clusters = patch.clusters.map((c) => interner.intern(ClusterSchema, c, c.name));
  const endpoints = patch.endpoints.map((e) =>
    interner.intern(ClusterLoadAssignmentSchema, e, e.clusterName),
  );
  const next = new Map(served);
  for (const [typeUrl, fresh] of [
    [CLUSTER_TYPE, clusters],
    [ENDPOINT_TYPE, endpoints],
  ] as const) {
    const kept = [...(served.get(typeUrl) ?? [])].filter(([name]) => !patch.replaces(name));
    setType(
      next,
      typeUrl,
      new Map([...kept, ...fresh.map((r): [string, XdsResource] => [r.name, r])]),
    );
  }
  setType(next, ROUTE_TYPE, internByName(RouteConfigurationSchema, patch.routes, interner));
  return next;
}

/** Sets one type's resources; a type without any is absent, as in snapshotOf. */
function setType(
  snapshot: Map<string, ReadonlyMap<string, XdsResource>>,
  typeUrl: string,
  resources: Map<string, XdsResource>,
): void {
  if (resources.size > 0) snapshot.set(typeUrl, resources);
  else snapshot.delete(typeUrl);
}

/** Interns named messages of one type into a name → resource map. */
function internByName<Desc extends DescMessage>(
  schema: Desc,
  messages: readonly (MessageShape<Desc> & { name: string })[],
  interner: ResourceInterner,
): Map<string, XdsResource> {
  const out = new Map<string, XdsResource>();
  for (const m of messages) out.set(m.name, interner.intern(schema, m, m.name));
  return out;
}
