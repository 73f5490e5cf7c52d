// SnapshotCache: per-node snapshots, change notifications and snapshot diffs.
import {
  buildSnapshot,
  diffSnapshots,
  SnapshotCache,
  type SnapshotChange,
} from '../snapshot-cache.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE } from '../type-urls.js';
import { cluster, endpoints, listener } from './fixtures.js';

describe('SnapshotCache', () => {
  it('diffs per type and name: added, updated and removed', () => {
    const before = buildSnapshot([
      cluster('a'),
      cluster('b'),
      endpoints('a'),
      listener('0.0.0.0_9080'),
    ]);
    const after = buildSnapshot([
      cluster('a'),
      cluster('b', 2),
      cluster('c'),
      listener('0.0.0.0_9080'),
    ]);
    const diff = diffSnapshots(before, after);
    expect([...diff.keys()].sort()).toEqual([CLUSTER_TYPE, ENDPOINT_TYPE].sort());
    expect([...(diff.get(CLUSTER_TYPE) ?? [])].sort()).toEqual(['b', 'c']);
    expect([...(diff.get(ENDPOINT_TYPE) ?? [])]).toEqual(['a']);
  });

  it('notifies only the watchers of the node whose snapshot changed', () => {
    const cache = new SnapshotCache();
    const seen: SnapshotChange[] = [];
    const other: SnapshotChange[] = [];
    cache.watch('node-a', (c) => seen.push(c));
    const unwatchB = cache.watch('node-b', (c) => other.push(c));
    cache.setSnapshot('node-a', buildSnapshot([cluster('a')]));
    expect(seen).toHaveLength(1);
    expect(other).toHaveLength(0);

    // Identical content is not a change, but watchers learn of the new snapshot (to drop the
    // old one); storing the very same snapshot again is not announced.
    const same = buildSnapshot([cluster('a')]);
    expect(cache.setSnapshot('node-a', same).size).toBe(0);
    expect(seen).toHaveLength(2);
    expect(seen[1].snapshot).toBe(same);
    expect(seen[1].changed.size).toBe(0);
    cache.setSnapshot('node-a', same);
    expect(seen).toHaveLength(2);

    cache.setSnapshot('node-a', buildSnapshot([cluster('a', 5)]));
    expect(seen).toHaveLength(3);
    expect([...(seen[2].changed.get(CLUSTER_TYPE) ?? [])]).toEqual(['a']);

    unwatchB();
    cache.setSnapshot('node-b', buildSnapshot([cluster('b')]));
    expect(other).toHaveLength(0);
    expect(cache.watcherCount('node-b')).toBe(0);
    expect(cache.nodeIds().sort()).toEqual(['node-a', 'node-b']);
  });

  it('notifies on a node’s first (even empty) snapshot so waiting streams can answer', () => {
    const cache = new SnapshotCache();
    const seen: SnapshotChange[] = [];
    cache.watch('n', (c) => seen.push(c));
    cache.setSnapshot('n', buildSnapshot([]));
    expect(seen).toHaveLength(1);
    expect(seen[0].changed.size).toBe(0);
    cache.clearSnapshot('n');
    expect(cache.getSnapshot('n')).toBeUndefined();
  });

  it('notifies every watcher even when one throws, then reports the error', () => {
    const cache = new SnapshotCache();
    let reached = false;
    cache.watch('n', () => {
      throw new Error('broken stream');
    });
    cache.watch('n', () => {
      reached = true;
    });
    expect(() => cache.setSnapshot('n', buildSnapshot([cluster('a')]))).toThrow('broken stream');
    expect(reached).toBe(true);
    expect(cache.getSnapshot('n')?.get(CLUSTER_TYPE)?.has('a')).toBe(true);
  });
});
