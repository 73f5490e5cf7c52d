// The last pushes, for /debug/push_status and metrics.

export interface PushRecord {
  version: string;
  time: Date;
  endpointOnly: boolean;
  /** Kinds whose change triggered the push. */
  reasons: string[];
  proxies: number;
  changedProxies: number;
  durationMs: number;
  resourcesEncoded: number;
  resourcesShared: number;
  /**
   * Proxies served by a fast path: EDS (previous config, affected load assignments rebuilt),
   * routing (VirtualService-only change that left the proxy's shared routing unchanged) or
   * skipped (below).
   */
  fastPathProxies?: number;
  /**
   * Of those, proxies no changed VirtualService / DestinationRule could reach (dependency
   * tracking): moved to the new push without building anything.
   */
  skippedProxies?: number;
  /** A config change arrived mid-push: the proxies not reached yet go first in the next push. */
  superseded?: boolean;
}

export class PushHistory {
  private readonly records: PushRecord[] = [];
  private readonly listeners: ((r: PushRecord) => void)[] = [];
  total = 0;

  constructor(private readonly limit = 50) {}

  add(r: PushRecord): void {
    this.total++;
    this.records.push(r);
    if (this.records.length > this.limit) this.records.shift();
    for (const listener of this.listeners) listener(r);
  }

  /** Called with every push from now on (metrics keep whole-life histograms, not just `limit`). */
  onRecord(listener: (r: PushRecord) => void): void {
    this.listeners.push(listener);
  }

  recent(): readonly PushRecord[] {
    return this.records;
  }

  last(): PushRecord | undefined {
    return this.records[this.records.length - 1];
  }
}
