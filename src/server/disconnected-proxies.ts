// Proxies whose last stream closed a moment ago, kept with the snapshot they were served so that
// one reconnecting (a control-plane restart behind a load balancer, a network blip, Envoy's
// reconnect after a stream reset) is served again without a translation. A kept snapshot is only
// reused while it still is the proxy's full translation: the node must be exactly the same (its
// id and metadata are what the proxy's identity is parsed from) and no push may have happened
// since (a push never visits disconnected proxies). Entries expire after `keepMs`, so a proxy
// that is gone for good costs memory only that long.
import { equals } from '@bufbuild/protobuf';
import { NodeSchema, type Node } from '../gen/envoy/config/core/v3/base_pb.js';
import type { PushContext } from '../model/push-context.js';
import type { Snapshot } from '../xds/snapshot-cache.js';
import type { ConnectedProxy } from './connected-proxy.js';

interface Kept {
  connected: ConnectedProxy;
  snapshot: Snapshot;
  expires: number;
}

export class DisconnectedProxies {
  private readonly kept = new Map<string, Kept>();
  private sweeper: NodeJS.Timeout | undefined;

  /** @param keepMs how long a disconnected proxy is kept; 0 or less keeps none. */
  constructor(private readonly keepMs: number) {}

  get size(): number {
    return this.kept.size;
  }

  /** Keeps a proxy whose last stream closed, with the snapshot it was last served. */
  keep(nodeId: string, connected: ConnectedProxy, snapshot: Snapshot | undefined): void {
    if (this.keepMs <= 0 || snapshot === undefined || connected.push === undefined) return;
    this.kept.set(nodeId, { connected, snapshot, expires: performance.now() + this.keepMs });
    this.scheduleSweep();
  }

  /**
   * The kept proxy and snapshot for a reconnecting `node`, when its snapshot is still its
   * translation with `push` (same node, no push since); the entry is consumed either way.
   */
  resume(
    node: Node,
    push: PushContext,
  ): { connected: ConnectedProxy; snapshot: Snapshot } | undefined {
    const entry = this.kept.get(node.id);
    if (entry === undefined) return undefined;
    this.kept.delete(node.id);
    const { connected, snapshot } = entry;
    if (performance.now() > entry.expires || connected.push !== push) return undefined;
    if (!equals(NodeSchema, connected.node, node)) return undefined;
    return { connected, snapshot };
  }

  /**
   * Forgets every kept proxy: call when a new push context is built, after which none could be
   * resumed anyway (and the kept entries would hold the previous context in memory).
   */
  clear(): void {
    this.kept.clear();
  }

  stop(): void {
    clearTimeout(this.sweeper);
    this.sweeper = undefined;
    this.kept.clear();
  }

  private scheduleSweep(): void {
    if (this.sweeper !== undefined) return;
    this.sweeper = setTimeout(() => {
      this.sweeper = undefined;
      const now = performance.now();
      for (const [id, entry] of this.kept) if (entry.expires <= now) this.kept.delete(id);
      if (this.kept.size > 0) this.scheduleSweep();
    }, this.keepMs);
    // Never keeps the process alive on its own.
    this.sweeper.unref();
  }
}
