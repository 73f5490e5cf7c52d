// Brings one connected proxy to a push generation and stores the result in the snapshot cache.
// Contract: afterwards the proxy's snapshot equals its full, unmemoized translation with the
// generation's push context (gateway cluster filtering applied when on), it records that push
// and sequence number, and the snapshot was replaced in a single setSnapshot call, so its
// streams never see a half-applied push. The return value says whether anything changed for it.
import type { Listener } from '../gen/envoy/config/listener/v3/listener_pb.js';
import type { Proxy } from '../model/proxy.js';
import { parseProxy } from '../model/proxy-identity.js';
import type { PushContext } from '../model/push-context.js';
import { translateProxy, type TranslateOptions } from '../translate/translate-proxy.js';
import type { ProxyResources } from '../translate/types.js';
import type { Snapshot, SnapshotCache } from '../xds/snapshot-cache.js';
import { nodeMetadata, type ConnectedProxy, type PushGeneration } from './connected-proxy.js';
import { gatewayTranslateOptions } from './gateway-cluster-filter.js';
import { withOwnWorkloadPatch } from './own-workload-patch.js';
import { snapshotOf } from './proxy-snapshot.js';
import { choosePushPath, type PushPath, type PushWork } from './push-path.js';
import { ownListenerFacts, routingFastPathApplies } from './routing-delta.js';
import {
  withEndpointDelta,
  withDestinationRulePatch,
  withGatewayRoutingPatch,
  withInboundListenerPatch,
  withListenerPatch,
  withRoutingPatch,
} from './snapshot-patches.js';

/** How a push brought one proxy to its new context. */
export interface PushOutcome {
  path: PushPath;
  changed: boolean;
}

export class ProxyPusher {
  /**
   * @param filterGatewayClusters send gateways only the clusters their VirtualServices route to
   *   (gateway-cluster-filter.ts), on every path.
   */
  constructor(
    private readonly cache: SnapshotCache,
    private readonly filterGatewayClusters: boolean,
  ) {}

  /** The proxy's full translation with `push`, as the server serves it. */
  translate(proxy: Proxy, push: PushContext): ProxyResources {
    return translateProxy(proxy, push, this.translateOptions(proxy, push));
  }

  /** Filtering builds only the routed services' clusters (equal to filtering a full translation). */
  private translateOptions(proxy: Proxy, push: PushContext): TranslateOptions {
    return this.filterGatewayClusters ? gatewayTranslateOptions(proxy, push) : {};
  }

  /**
   * Full translation (new connections, and the `translate` path): the proxy's identity is
   * re-parsed against the new context first, as its pods and services may have changed.
   */
  translateInto(nodeId: string, connected: ConnectedProxy, target: PushGeneration): boolean {
    const reparsed = parseProxy(nodeId, nodeMetadata(connected.node), target.push);
    if (reparsed.ok) connected.proxy = reparsed.value;
    const resources = this.translate(connected.proxy, target.push);
    this.recordOwnListenerFacts(connected, target.push, resources.listeners);
    return this.commit(nodeId, connected, target, snapshotOf(resources, target.interner));
  }

  /**
   * A push's visit of one proxy, by the cheapest path (push-path.ts). Only a proxy served the
   * previous push's config can take a shortcut; any other is translated.
   */
  pushProxy(nodeId: string, connected: ConnectedProxy, work: PushWork): PushOutcome {
    const served = connected.push === work.previous ? this.cache.getSnapshot(nodeId) : undefined;
    if (served === undefined) {
      return { path: 'translate', changed: this.translateInto(nodeId, connected, work.target) };
    }
    const path = choosePushPath(connected, served, work, this.filterGatewayClusters);
    return { path, changed: this.apply(path, nodeId, connected, served, work) };
  }

  private apply(
    path: PushPath,
    nodeId: string,
    connected: ConnectedProxy,
    served: Snapshot,
    work: PushWork,
  ): boolean {
    const { previous, target, delta } = work;
    const { push, interner } = target;
    const proxy = connected.proxy;
    switch (path) {
      case 'translate':
        return this.translateInto(nodeId, connected, target);
      case 'routing-unchanged':
      case 'skip':
        return this.commit(nodeId, connected, target, undefined);
      case 'endpoints': {
        // Chosen for endpoint-only pushes only, which carry a delta (translating is always safe).
        if (delta === undefined) return this.translateInto(nodeId, connected, target);
        const next = withEndpointDelta(served, proxy, push, delta, interner);
        return this.commit(nodeId, connected, target, next);
      }
      case 'patch-own-workload': {
        // Chosen for endpoint-only pushes only; without a patch (new listeners) translate.
        const next =
          delta === undefined
            ? undefined
            : withOwnWorkloadPatch(
                served,
                proxy,
                push,
                delta,
                connected.localRoutes ?? [],
                interner,
              );
        if (next === undefined) return this.translateInto(nodeId, connected, target);
        return this.commit(nodeId, connected, target, next);
      }
      case 'patch-routing': {
        const local = connected.localRoutes ?? [];
        const next = withRoutingPatch(served, proxy, local, previous, push, interner);
        return this.commit(nodeId, connected, target, next);
      }
      case 'patch-gateway-routing': {
        const next = withGatewayRoutingPatch(served, proxy, push, interner);
        return this.commit(nodeId, connected, target, next);
      }
      case 'patch-destination-rules': {
        // Chosen for DestinationRule-only pushes only, which carry their changes.
        if (work.changes === undefined) return this.translateInto(nodeId, connected, target);
        const { outboundHosts } = this.translateOptions(proxy, push);
        const next = withDestinationRulePatch(
          served,
          proxy,
          push,
          work.changes,
          outboundHosts,
          interner,
        );
        return this.commit(nodeId, connected, target, next);
      }
      case 'patch-listeners': {
        // A sidecar's other listeners cannot change: replacing virtualInbound is enough.
        const inbound = connected.onlyVirtualListeners
          ? withInboundListenerPatch(served, proxy, push, connected.localRoutes ?? [], interner)
          : undefined;
        if (inbound !== undefined) return this.commit(nodeId, connected, target, inbound);
        const patched = withListenerPatch(served, proxy, push, interner);
        if (patched === undefined) return this.translateInto(nodeId, connected, target);
        this.recordOwnListenerFacts(connected, push, patched.listeners);
        return this.commit(nodeId, connected, target, patched.snapshot);
      }
    }
  }

  /** What the routing and inbound fast paths keep of the proxy's listeners (routing-delta.ts). */
  private recordOwnListenerFacts(
    connected: ConnectedProxy,
    push: PushContext,
    listeners: readonly Listener[],
  ): void {
    const facts = routingFastPathApplies(connected.proxy)
      ? ownListenerFacts(connected.proxy, push, listeners)
      : undefined;
    connected.localRoutes = facts?.localRoutes;
    connected.onlyVirtualListeners = facts?.onlyVirtual;
  }

  /**
   * Records that the proxy now holds `target`'s config and stores `next` as its snapshot in one
   * setSnapshot call, its per-type maps shared with equal ones of the generation
   * (type-map-interner.ts); undefined: the served snapshot already is that config.
   */
  private commit(
    nodeId: string,
    connected: ConnectedProxy,
    target: PushGeneration,
    next: Snapshot | undefined,
  ): boolean {
    connected.push = target.push;
    connected.pushSeq = target.seq;
    if (next === undefined) return false;
    return this.cache.setSnapshot(nodeId, target.typeMaps.internSnapshot(next)).size > 0;
  }
}
