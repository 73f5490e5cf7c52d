// The Istio-aware heart of `serve`: config sources feed the validating store; each debounced
// change builds one immutable push context, then every connected proxy is brought to it by the
// cheapest path that equals its full translation (push-path.ts, proxy-pusher.ts) and the result
// handed to the snapshot cache, which pushes only what changed to each proxy. The xDS layer
// below knows nothing of Istio; this is the only place the two meet. A push yields to the event
// loop every few milliseconds so responses and ACKs flow while it runs; each proxy's snapshot
// is replaced atomically, and a config change arriving mid-push supersedes it (the proxies not
// yet reached go first in the next push).
import type { Node } from '../gen/envoy/config/core/v3/base_pb.js';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../model/config.js';
import { ConfigStore, type StoreChange } from '../model/config-store.js';
import { buildPushContext } from '../model/build-push-context.js';
import type { Proxy } from '../model/proxy.js';
import { parseProxy } from '../model/proxy-identity.js';
import type { PushContext } from '../model/push-context.js';
import type { ConfigSource, SourceUpdate } from '../sources/types.js';
import { releaseMemo } from '../translate/cache/push-memo.js';
import type { ProxyResources } from '../translate/types.js';
import { AdsServer } from '../xds/ads-server.js';
import { Debouncer } from '../xds/debounce.js';
import { SnapshotCache } from '../xds/snapshot-cache.js';
import { XdsStatus } from '../xds/status.js';
import { forgetViewResponses } from '../xds/view-response.js';
import { ConfigErrorLog } from './config-error-log.js';
import { DisconnectedProxies } from './disconnected-proxies.js';
import {
  nodeMetadata,
  pushGeneration,
  type ConnectedProxy,
  type PushGeneration,
} from './connected-proxy.js';
import { filterGatewayClustersFromEnv } from './gateway-cluster-filter.js';
import { installHeapSnapshotSignal } from './heap-snapshot.js';
import { MemoReleaseTimer } from './memo-release.js';
import {
  mergePendingPushes,
  pendingPushOf,
  pushWorkFor,
  type PendingPush,
} from './pending-push.js';
import { ProxyPusher } from './proxy-pusher.js';
import { PushHistory, type PushRecord } from './push-history.js';
import { isFastPath } from './push-path.js';

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
  /**
   * How long a proxy whose last stream closed keeps its snapshot, so that reconnecting with the
   * same node before any push is served without a translation; default 30000 ms, 0 keeps none.
   */
  keepDisconnectedMs?: number;
  log?: (line: string) => void;
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
  private current: PushGeneration;
  /** A non-endpoint config change arrived since the running push took its context. */
  private configChangePending = false;
  private readonly proxies = new Map<string, ConnectedProxy>();
  private readonly pusher: ProxyPusher;
  private readonly debouncer: Debouncer<PendingPush>;
  private readonly log: (line: string) => void;
  private readonly configErrors: ConfigErrorLog;
  private started = false;
  private readonly storeChangeListeners: ((change: StoreChange) => void)[] = [];
  private readonly memoRelease: MemoReleaseTimer;
  private readonly disconnected: DisconnectedProxies;
  private pushing = false;

  constructor(private readonly options: DiscoveryServerOptions) {
    this.mesh = { ...DEFAULT_MESH_CONFIG, ...options.mesh };
    this.log = options.log ?? (() => {});
    this.configErrors = new ConfigErrorLog(this.log);
    this.pusher = new ProxyPusher(
      this.cache,
      options.filterGatewayClusters ?? filterGatewayClustersFromEnv(),
    );
    this.memoRelease = new MemoReleaseTimer(
      options.memoReleaseMs ?? 2000,
      () => this.pushing,
      () => {
        releaseMemo(this.current.push);
        forgetViewResponses();
      },
      true, // then compact the heap (idle-gc.ts)
    );
    this.disconnected = new DisconnectedProxies(options.keepDisconnectedMs ?? 30_000);
    this.current = pushGeneration(buildPushContext(this.store.snapshot(), this.mesh, '0'), 0);
    this.debouncer = new Debouncer<PendingPush>({
      quietMs: options.debounceMs ?? 100,
      maxDelayMs: options.debounceMaxMs ?? 1000,
      merge: mergePendingPushes,
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
    return this.current.push;
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
    return this.pusher.translate(connected.proxy, connected.push);
  }

  /** Called after every applied source update (metrics count config events from it). */
  onStoreChange(listener: (change: StoreChange) => void): void {
    this.storeChangeListeners.push(listener);
  }

  async stop(): Promise<void> {
    this.memoRelease.stop();
    this.disconnected.stop();
    this.debouncer.stop();
    await this.ads.shutdown();
    for (const s of this.options.sources) await s.stop();
  }

  private onSourceUpdates(updates: SourceUpdate[]): void {
    const change = this.store.apply(updates);
    for (const listener of this.storeChangeListeners) listener(change);
    this.configErrors.report(this.store.errors());
    if (!this.started || change.changedKeys.length === 0) return;
    const pending = pendingPushOf(change);
    if (!pending.endpointOnly) this.configChangePending = true;
    // File updates arrive already debounced (file-source.ts): no second quiet window for them.
    this.debouncer.push(
      pending,
      updates.every((u) => u.settled === true),
    );
  }

  private rebuildPushContext(): void {
    const snapshot = this.store.snapshot();
    const version = String(this.store.currentVersion());
    const push = buildPushContext(snapshot, this.mesh, version, this.current.push);
    this.current = pushGeneration(push, this.current.seq + 1);
    this.disconnected.clear();
  }

  private async pushAll(p: PendingPush): Promise<void> {
    this.pushing = true;
    try {
      await this.pushAllProxies(p);
    } finally {
      this.pushing = false;
      this.memoRelease.schedule();
    }
  }

  private async pushAllProxies(p: PendingPush): Promise<void> {
    const started = performance.now();
    const previous = this.current.push;
    this.configChangePending = false;
    this.rebuildPushContext();
    const target = this.current;
    const push = target.push;
    const work = pushWorkFor(p, previous, target);
    // Proxies a superseded push did not reach are the stalest: they go first.
    const order = [...this.proxies].sort(([, a], [, b]) => a.pushSeq - b.pushSeq);
    let changedProxies = 0;
    let fastPathProxies = 0;
    let skippedProxies = 0;
    let superseded = false;
    let sliceStart = performance.now();
    for (const [nodeId, connected] of order) {
      // Gone, or connected during this push (and so translated with it already).
      if (this.proxies.get(nodeId) !== connected || connected.push === push) continue;
      const outcome = this.pusher.pushProxy(nodeId, connected, work);
      if (outcome.changed) changedProxies++;
      if (outcome.path === 'skip') skippedProxies++;
      if (isFastPath(outcome.path)) fastPathProxies++;
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
      resourcesEncoded: target.interner.encoded,
      resourcesShared: target.interner.reused,
      fastPathProxies,
      skippedProxies,
      superseded,
    };
    this.history.add(record);
    this.log(
      `push ${record.version}: ${changedProxies}/${record.proxies} proxies changed in ${record.durationMs.toFixed(1)} ms (${record.reasons.join(', ')}${superseded ? '; superseded' : ''})`,
    );
  }

  /** The ADS server's hook for a new stream (bench/ and tests call it directly, without gRPC). */
  private onStreamOpen(node: Node): string {
    const nodeId = node.id;
    const parsed = parseProxy(nodeId, nodeMetadata(node), this.current.push);
    if (!parsed.ok) throw new Error(parsed.error);
    const existing = this.proxies.get(nodeId);
    if (existing) {
      existing.streams++;
      existing.node = node;
      return nodeId;
    }
    const resumed = this.disconnected.resume(node, this.current.push);
    if (resumed !== undefined) {
      // Still its full translation with the current push (disconnected-proxies.ts).
      resumed.connected.streams = 1;
      this.proxies.set(nodeId, resumed.connected);
      this.cache.setSnapshot(nodeId, resumed.snapshot);
      // A reconnect storm ends quiet like any other: the idle collection follows (memo-release.ts).
      this.memoRelease.schedule();
      this.log(`proxy reconnected: ${nodeId} (snapshot kept)`);
      return nodeId;
    }
    const connected: ConnectedProxy = { proxy: parsed.value, node, streams: 1, pushSeq: 0 };
    this.proxies.set(nodeId, connected);
    // Shares the current push's memoized pieces, so a connect storm mostly hits.
    this.pusher.translateInto(nodeId, connected, this.current);
    this.memoRelease.schedule();
    this.log(`proxy connected: ${nodeId}`);
    return nodeId;
  }

  private onStreamClose(nodeId: string): void {
    const connected = this.proxies.get(nodeId);
    if (!connected) return;
    connected.streams--;
    if (connected.streams > 0) return;
    this.disconnected.keep(nodeId, connected, this.cache.getSnapshot(nodeId));
    this.proxies.delete(nodeId);
    this.cache.clearSnapshot(nodeId);
    this.log(`proxy disconnected: ${nodeId}`);
  }
}
