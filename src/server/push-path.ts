// Which way a push brings one connected proxy to its new push context. Contract: whichever path
// is chosen, once it is applied (proxy-pusher.ts) the proxy's snapshot is byte-identical to a
// full, unmemoized translation with the new context (gateway cluster filtering included). The
// choice only decides how much of that translation can be skipped, from what changed and from
// the snapshot the proxy was served for the previous push.
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import type { Snapshot } from '../xds/snapshot-cache.js';
import type { ConfigChanges } from './config-dependencies.js';
import type { ConnectedProxy, PushGeneration } from './connected-proxy.js';
import type { SecurityChanges } from './security-changes.js';
import {
  canApplyEndpointDelta,
  endpointDeltaReaches,
  type EndpointDelta,
} from './endpoint-delta.js';
import { destinationRulePatchApplies } from './destination-rule-delta.js';
import { ownWorkloadPatchApplies } from './own-workload-patch.js';
import { gatewayDestinationHosts } from './gateway-cluster-filter.js';
import {
  gatewayRoutingApplies,
  routingFastPathApplies,
  routingUnchanged,
} from './routing-delta.js';

/**
 * - `translate`: full translation (always correct; the fallback of every other path).
 * - `endpoints`: endpoint-only change reaching the proxy: its served snapshot with the affected
 *   load assignments rebuilt (endpoint-delta.ts).
 * - `patch-own-workload`: endpoint-only change touching a sidecar's own workload (its pod is or
 *   was an endpoint of a changed service, or one of its services changed): load assignments,
 *   own clusters and virtualInbound rebuilt (own-workload-patch.ts).
 * - `patch-routing`: VirtualService-only change reaching a sidecar whose routing changed: its
 *   outbound listeners and route configs rebuilt (routing-delta.ts routingPatch).
 * - `patch-gateway-routing`: the same for a gateway whose clusters cannot change: all of its
 *   listeners and route configs rebuilt (routing-delta.ts gatewayRoutingPatch).
 * - `patch-listeners`: PeerAuthentication / AuthorizationPolicy-only change reaching the proxy:
 *   its listeners rebuilt, for a sidecar without Sidecar-bound listeners virtualInbound alone
 *   (security-changes.ts, snapshot-patches.ts withInboundListenerPatch / withListenerPatch).
 * - `patch-destination-rules`: DestinationRule-only change reaching an Envoy proxy: the clusters and
 *   load assignments of the hosts whose rule may change, its own clusters and its route configs
 *   rebuilt (destination-rule-delta.ts).
 * - `routing-unchanged`: VirtualService-only change leaving the sidecar's routing as served.
 * - `skip`: no change can reach the proxy (config-dependencies.ts, endpointDeltaReaches).
 * The last two keep the served snapshot as is.
 */
export type PushPath =
  | 'translate'
  | 'endpoints'
  | 'patch-own-workload'
  | 'patch-routing'
  | 'patch-gateway-routing'
  | 'patch-listeners'
  | 'patch-destination-rules'
  | 'routing-unchanged'
  | 'skip';

/** What one push changed, shared by every proxy it visits. */
export interface PushWork {
  /** The context the proxies being visited were last served with (when not stale). */
  previous: PushContext;
  target: PushGeneration;
  /** Endpoint-only push: the load assignments to rebuild (undefined: not applicable). */
  delta?: EndpointDelta;
  /** VirtualService / DestinationRule-only push: what changed (undefined: something else did). */
  changes?: ConfigChanges;
  /** PeerAuthentication / AuthorizationPolicy-only push that leaves all but listeners alone. */
  security?: SecurityChanges;
}

/** Paths that build nothing for the proxy itself (counted as fast-path proxies in a push). */
export function isFastPath(path: PushPath): boolean {
  return path === 'endpoints' || path === 'routing-unchanged' || path === 'skip';
}

/**
 * The cheapest path that yields the proxy's full translation with `work.target.push`, for a
 * proxy whose `served` snapshot was translated with `work.previous` (a proxy without one can
 * only be translated). With `filterGatewayClusters`, a gateway's clusters follow the hosts its
 * VirtualServices route to, so a routing change that moves them needs a translation.
 */
export function choosePushPath(
  connected: ConnectedProxy,
  served: Snapshot,
  work: PushWork,
  filterGatewayClusters: boolean,
): PushPath {
  const { proxy } = connected;
  const { previous, delta, changes, security } = work;
  const { push } = work.target;
  if (delta !== undefined) {
    if (canApplyEndpointDelta(proxy, push, delta)) {
      return endpointDeltaReaches(proxy, push, delta) ? 'endpoints' : 'skip';
    }
    return ownWorkloadPatchApplies(connected) ? 'patch-own-workload' : 'translate';
  }
  if (security !== undefined) return security.reaches(proxy) ? 'patch-listeners' : 'skip';
  if (changes === undefined) return 'translate';
  if (changes.destinationRulesReach(proxy, previous, push)) {
    const patchable = changes.destinationRulesOnly && destinationRulePatchApplies(proxy);
    return patchable ? 'patch-destination-rules' : 'translate';
  }
  if (filterGatewayClusters && gatewayHostsChanged(proxy, previous, push)) return 'translate';
  if (!changes.virtualServicesReach(proxy, previous, push)) return 'skip';
  // Only VirtualServices reach the proxy: its clusters and load assignments are unchanged.
  if (routingFastPathApplies(proxy)) {
    if (routingUnchanged(proxy, served, previous, push)) return 'routing-unchanged';
    return connected.localRoutes === undefined ? 'translate' : 'patch-routing';
  }
  return gatewayRoutingApplies(proxy) ? 'patch-gateway-routing' : 'translate';
}

/** Whether a (filtered) gateway's routed destination hosts, hence its clusters, changed. */
function gatewayHostsChanged(proxy: Proxy, previous: PushContext, push: PushContext): boolean {
  if (proxy.type !== 'router') return false;
  return !sameHosts(gatewayDestinationHosts(proxy, previous), gatewayDestinationHosts(proxy, push));
}

function sameHosts(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const h of a) if (!b.has(h)) return false;
  return true;
}
