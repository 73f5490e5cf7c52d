// The Istio-aware heart of `serve`: config sources feed the validating store; each debounced
// change builds one immutable push context, then every connected proxy's config is translated
// and handed to the snapshot cache, which pushes only what changed to each proxy. The xDS layer
// below knows nothing of Istio; this is the only place the two meet.
// Cost model: translation results shared by proxies are built and encoded once per push
// (translate/cache), endpoint-only changes rebuild only the affected load assignments
// (endpoint-delta.ts), and a push yields to the event loop every few milliseconds so responses
// and ACKs flow while it runs; each proxy's snapshot is replaced atomically, and a config change
// arriving mid-push supersedes it (the proxies not yet reached go first in the next push).
import type { Node } from '../gen/envoy/config/core/v3/base_pb.js';
import { ClusterLoadAssignmentSchema } from '../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../model/config.js';
import { ConfigStore, isEndpointOnly, type StoreChange } from '../model/config-store.js';
import { buildPushContext } from '../model/build-push-context.js';
import type { Proxy } from '../model/proxy.js';
import { parseProxy } from '../model/proxy-identity.js';
import type { PushContext } from '../model/push-context.js';
import { formatConfigError } from '../model/validation/types.js';
import type { ConfigKey } from '../model/config.js';
import type { ConfigSource, SourceUpdate } from '../sources/types.js';
import { releaseMemo } from '../translate/cache/push-memo.js';
import { translateProxy } from '../translate/translate-proxy.js';
import type { ProxyResources } from '../translate/types.js';
import { AdsServer } from '../xds/ads-server.js';
import { Debouncer } from '../xds/debounce.js';
import { SnapshotCache, type Snapshot } from '../xds/snapshot-cache.js';
import { XdsStatus } from '../xds/status.js';
import type { XdsResource } from '../xds/resource.js';
import { ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../xds/type-urls.js';
import { ListenerSchema } from '../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../gen/envoy/config/route/v3/route_pb.js';
import {
  applyEndpointDelta,
  canApplyEndpointDelta,
  endpointDelta,
  type EndpointDelta,
} from './endpoint-delta.js';
import { ResourceInterner, snapshotOf, withReplaced } from './proxy-snapshot.js';
import {
  isRoutingOnly,
  localRouteNames,
  routingFastPathApplies,
  routingPatch,
  routingUnchanged,
} from './routing-delta.js';
import { PushHistory, type PushRecord } from './push-history.js';
import { filterGatewayClusters, filterGatewayClustersFromEnv } from './gateway-cluster-filter.js';
import { installHeapSnapshotSignal } from './heap-snapshot.js';

export interface DiscoveryServerOptions {
  sources: ConfigSource[];
  mesh?: Partial<MeshConfig>;
  /** Push debounce quiet window and upper bound (ms). */
  debounceMs?: number;
  debounceMaxMs?: number;
  /**
   * Send a gateway only the clusters its VirtualServices route to (istiod's
   * PILOT_FILTER_GATEWAY_CLUSTER_CONFIG); default: that environment variable, else off.
   */
  filterGatewayClusters?: boolean;
  /**
   * Quiet time (no push, no new proxy) after which the current push's memoized message objects
   * are dropped (translate/cache releaseMemo); default 2000 ms, 0 keeps them.
   */
  memoReleaseMs?: number;
  log?: (line: string) => void;
}

// Memory: a connected proxy keeps only its snapshot (encoded resources, shared with every proxy
// that receives the same ones) in the cache, never its translated message objects: those of the
// per-proxy parts (virtualInbound listener, inbound clusters) cost ~100 KB each, i.e. hundreds
// of MB at 2,000 proxies. config_dump re-translates on demand; the fast paths read the snapshot.
interface ConnectedProxy {
  proxy: Proxy;
  node: Node;
  streams: number;
  /** The push context the proxy's snapshot was translated with. */
  push?: PushContext;
  /**
   * Sidecars (routing fast path): route config names their non-outbound listeners reference,
   * which a VirtualService-only patch keeps (routing-delta.ts routingPatch).
   */
  localRoutes?: readonly string[];
  /** Sequence number of that push (lower = staler; stale proxies are pushed first). */
  pushSeq: number;
}

interface PendingPush {
  endpointOnly: boolean;
  reasons: Set<string>;
  /** Changed config keys (used by the EDS fast path). */
  keys: Set<ConfigKey>;
}

/** Translation work between two yields to the event loop during a push. */
const PUSH_SLICE_MS = 8;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class DiscoveryServer {
  readonly store = new ConfigStore();
  readonly cache = new SnapshotCache();
  readonly status = new XdsStatus();
  readonly ads: AdsServer;
  readonly mesh: MeshConfig;
  readonly history = new PushHistory();
  private push: PushContext;
  private pushSeq = 0;
  /** A non-endpoint config change arrived since the running push took its context. */
  private configChangePending = false;
  private interner = new ResourceInterner();
  private readonly proxies = new Map<string, ConnectedProxy>();
  private readonly debouncer: Debouncer<PendingPush>;
  private readonly log: (line: string) => void;
  private lastReportedErrors = '';
  private started = false;
  private readonly storeChangeListeners: ((change: StoreChange) => void)[] = [];
  private readonly filterGatewayClusters: boolean;
  private readonly memoReleaseMs: number;
  private memoReleaseTimer: NodeJS.Timeout | undefined;
  private pushing = false;

  constructor(private readonly options: DiscoveryServerOptions) {
    this.mesh = { ...DEFAULT_MESH_CONFIG, ...options.mesh };
    this.log = options.log ?? (() => {});
    this.filterGatewayClusters = options.filterGatewayClusters ?? filterGatewayClustersFromEnv();
    this.memoReleaseMs = options.memoReleaseMs ?? 2000;
    this.push = buildPushContext(this.store.snapshot(), this.mesh, '0');
    this.debouncer = new Debouncer<PendingPush>({
      quietMs: options.debounceMs ?? 100,
      maxDelayMs: options.debounceMaxMs ?? 1000,
      merge: (a, b) => ({
        endpointOnly: a.endpointOnly && b.endpointOnly,
        reasons: new Set([...a.reasons, ...b.reasons]),
        keys: new Set([...a.keys, ...b.keys]),
      }),
      onPush: (p) => this.pushAll(p),
      onError: (err) => this.log(`push failed: ${err instanceof Error ? err.stack : String(err)}`),
    });
    this.ads = new AdsServer({
      cache: this.cache,
      status: this.status,
      controlPlaneId: 'mini-istiod',
      onStreamOpen: (node) => this.onStreamOpen(node),
      onStreamClose: (info) => this.onStreamClose(info.nodeId),
    });
  }

  /** Loads every source (the initial state is complete before the first proxy is served). */
  async start(): Promise<void> {
    installHeapSnapshotSignal(this.log);
    for (const source of this.options.sources) {
      await source.start((updates) => this.onSourceUpdates(updates));
    }
    this.started = true;
    this.rebuildPushContext();
  }

  get ready(): boolean {
    return this.started;
  }

  get pushContext(): PushContext {
    return this.push;
  }

  /** Connected proxies; `resources` is translated on access (debug use: it costs a translation). */
  connectedProxies(): { nodeId: string; proxy: Proxy; readonly resources?: ProxyResources }[] {
    return [...this.proxies].map(([nodeId, p]) => {
      const configFor = () => this.configFor(nodeId);
      return {
        nodeId,
        proxy: p.proxy,
        get resources() {
          return configFor();
        },
      };
    });
  }

  /**
   * The connected proxy's current config, re-translated now with the push context its snapshot
   * came from (the fast paths keep snapshots equal to such a full translation); undefined when
   * the proxy is not connected or has no config yet.
   */
  configFor(nodeId: string): ProxyResources | undefined {
    const connected = this.proxies.get(nodeId);
    if (!connected?.push || !this.cache.getSnapshot(nodeId)) return undefined;
    return this.translateFor(connected.proxy, connected.push);
  }

  private translateFor(proxy: Proxy, push: PushContext): ProxyResources {
    const translated = translateProxy(proxy, push);
    return this.filterGatewayClusters ? filterGatewayClusters(proxy, push, translated) : translated;
  }

  /** Called after every applied source update (metrics count config events from it). */
  onStoreChange(listener: (change: StoreChange) => void): void {
    this.storeChangeListeners.push(listener);
  }

  async stop(): Promise<void> {
    clearTimeout(this.memoReleaseTimer);
    this.debouncer.stop();
    await this.ads.shutdown();
    for (const s of this.options.sources) await s.stop();
  }

  private onSourceUpdates(updates: SourceUpdate[]): void {
    const change = this.store.apply(updates);
    for (const listener of this.storeChangeListeners) listener(change);
    this.reportErrors();
    if (!this.started || change.changedKeys.length === 0) return;
    const endpointOnly = isEndpointOnly(change);
    if (!endpointOnly) this.configChangePending = true;
    this.debouncer.push({
      endpointOnly,
      reasons: reasonsOf(change),
      keys: new Set(change.changedKeys),
    });
  }

  private reportErrors(): void {
    const lines = this.store
      .errors()
      .filter((e) => e.severity === 'Error')
      .map(formatConfigError);
    const text = lines.join('\n');
    if (text === this.lastReportedErrors) return;
    this.lastReportedErrors = text;
    if (lines.length === 0) this.log('config: all resources valid');
    else
      this.log(
        `config: ${lines.length} problem(s); rejected resources keep their last valid version\n  ${lines.join('\n  ')}`,
      );
  }

  private rebuildPushContext(): void {
    this.push = buildPushContext(
      this.store.snapshot(),
      this.mesh,
      String(this.store.currentVersion()),
    );
    this.pushSeq++;
    this.interner = new ResourceInterner();
  }

  /**
   * (Re)arms the memo release: once no push ran and no proxy connected for memoReleaseMs, the
   * current push's shared message objects are dropped. Proxies keep their encoded snapshots; a
   * later push or connection rebuilds (and re-memoizes) what it needs, with equal content.
   */
  private scheduleMemoRelease(): void {
    if (this.memoReleaseMs <= 0) return;
    clearTimeout(this.memoReleaseTimer);
    this.memoReleaseTimer = setTimeout(() => {
      if (this.pushing) this.scheduleMemoRelease();
      else releaseMemo(this.push);
    }, this.memoReleaseMs);
    this.memoReleaseTimer.unref();
  }

  private async pushAll(p: PendingPush): Promise<void> {
    this.pushing = true;
    try {
      await this.pushAllProxies(p);
    } finally {
      this.pushing = false;
      this.scheduleMemoRelease();
    }
  }

  private async pushAllProxies(p: PendingPush): Promise<void> {
    const started = performance.now();
    const previous = this.push;
    this.configChangePending = false;
    this.rebuildPushContext();
    const push = this.push;
    const interner = this.interner;
    const delta = p.endpointOnly ? endpointDelta(previous, push, p.keys) : undefined;
    const routingOnly = isRoutingOnly(p.reasons);
    // Proxies a superseded push did not reach are the stalest: they go first.
    const order = [...this.proxies].sort(([, a], [, b]) => a.pushSeq - b.pushSeq);
    let changedProxies = 0;
    let fastPathProxies = 0;
    let superseded = false;
    let sliceStart = performance.now();
    for (const [nodeId, connected] of order) {
      // Gone, or connected during this push (and so translated with it already).
      if (this.proxies.get(nodeId) !== connected || connected.push === push) continue;
      const served = connected.push === previous ? this.cache.getSnapshot(nodeId) : undefined;
      const fast =
        delta !== undefined &&
        served !== undefined &&
        canApplyEndpointDelta(connected.proxy, push, delta);
      const unchangedRouting =
        !fast &&
        routingOnly &&
        served !== undefined &&
        routingFastPathApplies(connected.proxy) &&
        routingUnchanged(connected.proxy, served, previous, push);
      if (fast || unchangedRouting) fastPathProxies++;
      let changed = false;
      if (unchangedRouting) {
        connected.push = push;
        connected.pushSeq = this.pushSeq;
      } else if (
        routingOnly &&
        served !== undefined &&
        connected.localRoutes !== undefined &&
        routingFastPathApplies(connected.proxy)
      ) {
        changed = this.patchRoutingInto(nodeId, connected, served, previous, push, interner);
      } else {
        changed =
          fast && served !== undefined
            ? this.applyDeltaInto(nodeId, connected, served, push, delta, interner)
            : this.translateInto(nodeId, connected, push, interner);
      }
      if (changed) changedProxies++;
      if (performance.now() - sliceStart >= PUSH_SLICE_MS) {
        await yieldToEventLoop();
        if (this.configChangePending) {
          superseded = true;
          break;
        }
        sliceStart = performance.now();
      }
    }
    const record: PushRecord = {
      version: push.version,
      time: new Date(),
      endpointOnly: p.endpointOnly,
      reasons: [...p.reasons].sort(),
      proxies: this.proxies.size,
      changedProxies,
      durationMs: performance.now() - started,
      resourcesEncoded: interner.encoded,
      resourcesShared: interner.reused,
      fastPathProxies,
      superseded,
    };
    this.history.add(record);
    this.log(
      `push ${record.version}: ${changedProxies}/${record.proxies} proxies changed in ${record.durationMs.toFixed(1)} ms (${record.reasons.join(', ')}${superseded ? '; superseded' : ''})`,
    );
  }

  /** Translates one proxy and stores its snapshot; returns whether anything changed for it. */
  private translateInto(
    nodeId: string,
    connected: ConnectedProxy,
    push: PushContext,
    interner: ResourceInterner,
  ): boolean {
    const reparsed = parseProxy(nodeId, metadataOf(connected.node), push);
    if (reparsed.ok) connected.proxy = reparsed.value;
    const resources = this.translateFor(connected.proxy, push);
    connected.localRoutes = routingFastPathApplies(connected.proxy)
      ? localRouteNames(connected.proxy, push, resources.listeners)
      : undefined;
    return this.commit(nodeId, connected, push, resources, interner);
  }

  /** VirtualService-only push, routing changed: only outbound listeners and routes rebuilt. */
  private patchRoutingInto(
    nodeId: string,
    connected: ConnectedProxy,
    served: Snapshot,
    previous: PushContext,
    push: PushContext,
    interner: ResourceInterner,
  ): boolean {
    const patch = routingPatch(connected.proxy, connected.localRoutes ?? [], previous, push);
    const listeners = new Map(served.get(LISTENER_TYPE));
    for (const name of patch.removedListeners) listeners.delete(name);
    for (const l of patch.listeners)
      listeners.set(l.name, interner.intern(ListenerSchema, l, l.name));
    const routes = new Map<string, XdsResource>();
    for (const r of patch.routes) {
      routes.set(r.name, interner.intern(RouteConfigurationSchema, r, r.name));
    }
    const next = new Map(served);
    next.set(LISTENER_TYPE, listeners);
    if (routes.size > 0 || served.has(ROUTE_TYPE)) next.set(ROUTE_TYPE, routes);
    connected.push = push;
    connected.pushSeq = this.pushSeq;
    return this.cache.setSnapshot(nodeId, next).size > 0;
  }

  /** The EDS fast path: the served snapshot with the affected load assignments rebuilt. */
  private applyDeltaInto(
    nodeId: string,
    connected: ConnectedProxy,
    served: Snapshot,
    push: PushContext,
    delta: EndpointDelta,
    interner: ResourceInterner,
  ): boolean {
    const names = served.get(ENDPOINT_TYPE)?.keys() ?? [];
    const rebuilt = applyEndpointDelta(connected.proxy, names, push, delta);
    connected.push = push;
    connected.pushSeq = this.pushSeq;
    if (rebuilt.length === 0) return false;
    // Only the rebuilt assignments are (re-)encoded; every other resource keeps its entry.
    const replaced = rebuilt.map((e) =>
      interner.intern(ClusterLoadAssignmentSchema, e, e.clusterName),
    );
    return this.cache.setSnapshot(nodeId, withReplaced(served, replaced)).size > 0;
  }

  /** Sets the proxy's snapshot atomically (one setSnapshot call) and records what it was built from. */
  private commit(
    nodeId: string,
    connected: ConnectedProxy,
    push: PushContext,
    resources: ProxyResources,
    interner: ResourceInterner,
  ): boolean {
    connected.push = push;
    connected.pushSeq = this.pushSeq;
    const diff = this.cache.setSnapshot(nodeId, snapshotOf(resources, interner));
    return diff.size > 0;
  }

  private onStreamOpen(node: Node): string {
    const nodeId = node.id;
    const parsed = parseProxy(nodeId, metadataOf(node), this.push);
    if (!parsed.ok) throw new Error(parsed.error);
    const existing = this.proxies.get(nodeId);
    if (existing) {
      existing.streams++;
      existing.node = node;
      return nodeId;
    }
    const connected: ConnectedProxy = { proxy: parsed.value, node, streams: 1, pushSeq: 0 };
    this.proxies.set(nodeId, connected);
    // Shares the current push's memoized pieces, so a connect storm mostly hits.
    this.translateInto(nodeId, connected, this.push, this.interner);
    this.scheduleMemoRelease();
    this.log(`proxy connected: ${nodeId}`);
    return nodeId;
  }

  private onStreamClose(nodeId: string): void {
    const connected = this.proxies.get(nodeId);
    if (!connected) return;
    connected.streams--;
    if (connected.streams > 0) return;
    this.proxies.delete(nodeId);
    this.cache.clearSnapshot(nodeId);
    this.log(`proxy disconnected: ${nodeId}`);
  }
}

function metadataOf(node: Node): Record<string, unknown> {
  return (node.metadata ?? {}) as Record<string, unknown>;
}

function reasonsOf(change: StoreChange): Set<string> {
  return new Set(change.changedKinds);
}
