// The endpoint fast path for a sidecar whose own workload an endpoint-only change touches: its
// pod became or stopped being an endpoint of a changed service, or one of its own services
// changed endpoints. Besides load assignments (withEndpointDelta), only its inbound side can
// change then: the inbound clusters and virtualInbound resolve target ports through the pod's
// own endpoints. Its outbound clusters cannot (the delta exists only when every changed
// service's cluster facts are unchanged, endpoint-delta.ts), nor anything else it is served: the
// pod, its labels and its services' definitions are the same objects.
import { ClusterSchema } from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { dedupeClusters, envoyOwnClusters } from '../translate/cluster/build-clusters.js';
import { parseSubsetKey } from '../translate/common/cluster-name.js';
import type { XdsResource } from '../xds/resource.js';
import type { Snapshot } from '../xds/snapshot-cache.js';
import { CLUSTER_TYPE } from '../xds/type-urls.js';
import type { ConnectedProxy } from './connected-proxy.js';
import type { EndpointDelta } from './endpoint-delta.js';
import type { ResourceInterner } from './proxy-snapshot.js';
import { routingFastPathApplies } from './routing-delta.js';
import { withEndpointDelta, withInboundListenerPatch } from './snapshot-patches.js';

/**
 * Sidecars whose listeners besides the shared outbound ones are virtualOutbound and
 * virtualInbound (no Sidecar-bound ingress listeners), with their local route names recorded.
 */
export function ownWorkloadPatchApplies(connected: ConnectedProxy): boolean {
  return (
    routingFastPathApplies(connected.proxy) &&
    connected.onlyVirtualListeners === true &&
    connected.localRoutes !== undefined
  );
}

const isOutbound = (name: string): boolean => parseSubsetKey(name)?.direction === 'outbound';

/**
 * `patch-own-workload` path: virtualInbound, the proxy's own (inbound and fixed) clusters and the
 * load assignments of the delta rebuilt; everything else as served. Undefined when virtualInbound
 * now names other route configs or the proxy gained bound listeners: only a translation then
 * gives its listeners.
 */
export function withOwnWorkloadPatch(
  served: Snapshot,
  proxy: Proxy,
  push: PushContext,
  delta: EndpointDelta,
  localRoutes: readonly string[],
  interner: ResourceInterner,
): Snapshot | undefined {
  const inbound = withInboundListenerPatch(served, proxy, push, localRoutes, interner);
  if (inbound === undefined) return undefined;
  const patched = withEndpointDelta(inbound, proxy, push, delta, interner) ?? inbound;
  // In istiod's order, as a translation lists them: outbound clusters, then the proxy's own.
  const clusters = new Map<string, XdsResource>();
  for (const [name, r] of served.get(CLUSTER_TYPE) ?? [])
    if (isOutbound(name)) clusters.set(name, r);
  for (const c of dedupeClusters(envoyOwnClusters(proxy, push))) {
    if (!clusters.has(c.name)) clusters.set(c.name, interner.intern(ClusterSchema, c, c.name));
  }
  const next = new Map(patched);
  next.set(CLUSTER_TYPE, clusters);
  return next;
}
