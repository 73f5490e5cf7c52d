// Per-node snapshots of xDS resources, and change notification to the streams of that node.
// The cache knows nothing about Istio: a node id is an opaque key chosen by the caller.
import type { XdsResource } from './resource.js';

/** typeUrl → resource name → resource. */
export type Snapshot = ReadonlyMap<string, ReadonlyMap<string, XdsResource>>;

/** What changed between two snapshots of one node: per type, the names added, updated or removed. */
export type SnapshotDiff = ReadonlyMap<string, ReadonlySet<string>>;

export interface SnapshotChange {
  nodeId: string;
  snapshot: Snapshot;
  changed: SnapshotDiff;
}

export type SnapshotWatcher = (change: SnapshotChange) => void;

/** Groups resources by type; a later resource with the same type and name replaces an earlier one. */
export function buildSnapshot(resources: Iterable<XdsResource>): Snapshot {
  const byType = new Map<string, Map<string, XdsResource>>();
  for (const r of resources) {
    let names = byType.get(r.typeUrl);
    if (!names) byType.set(r.typeUrl, (names = new Map()));
    names.set(r.name, r);
  }
  return byType;
}

export function diffSnapshots(before: Snapshot | undefined, after: Snapshot): SnapshotDiff {
  const diff = new Map<string, Set<string>>();
  const types = new Set([...(before?.keys() ?? []), ...after.keys()]);
  for (const typeUrl of types) {
    const old = before?.get(typeUrl);
    const cur = after.get(typeUrl);
    if (old === cur) continue; // the same (immutable) map: nothing changed in this type
    const names = new Set<string>();
    for (const [name, r] of cur ?? []) {
      if (old?.get(name)?.version !== r.version) names.add(name);
    }
    for (const name of old?.keys() ?? []) {
      if (!cur?.has(name)) names.add(name);
    }
    if (names.size > 0) diff.set(typeUrl, names);
  }
  return diff;
}

export class SnapshotCache {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly watchers = new Map<string, Set<SnapshotWatcher>>();

  getSnapshot(nodeId: string): Snapshot | undefined {
    return this.snapshots.get(nodeId);
  }

  nodeIds(): string[] {
    return [...this.snapshots.keys()];
  }

  /**
   * Stores the node's new snapshot and tells that node's watchers which types and names changed.
   * Returns the diff (empty when nothing changed). A new snapshot object with identical content
   * is announced too, with an empty diff: nothing is sent for it, but streams move their
   * references onto it rather than keep the superseded snapshot (and resources only it still
   * holds) alive. Watchers run synchronously and must not block: streams only enqueue writes.
   */
  setSnapshot(nodeId: string, snapshot: Snapshot): SnapshotDiff {
    const previous = this.snapshots.get(nodeId);
    const changed = diffSnapshots(previous, snapshot);
    this.snapshots.set(nodeId, snapshot);
    if (previous === snapshot) return changed;
    // One failing watcher must not starve the node's other streams: notify all, then report.
    let failure: { error: unknown } | undefined;
    for (const watcher of [...(this.watchers.get(nodeId) ?? [])]) {
      try {
        watcher({ nodeId, snapshot, changed });
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
    return changed;
  }

  /** Forgets a node's snapshot (e.g. once its last stream closed); watchers are not notified. */
  clearSnapshot(nodeId: string): void {
    this.snapshots.delete(nodeId);
  }

  /** Registers a watcher for one node; returns the function that removes it. */
  watch(nodeId: string, watcher: SnapshotWatcher): () => void {
    let set = this.watchers.get(nodeId);
    if (!set) this.watchers.set(nodeId, (set = new Set()));
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(nodeId) === set) this.watchers.delete(nodeId);
    };
  }

  watcherCount(nodeId: string): number {
    return this.watchers.get(nodeId)?.size ?? 0;
  }
}
