// How much of the served resources' bytes is held twice: distinct resource objects across every
// node's snapshot, against distinct contents (type, name, version). A gap means equal resources
// were built and encoded separately (e.g. by two memo keys) and are held once per build.
import type { SnapshotCache } from '../../src/xds/snapshot-cache.js';
import type { XdsResource } from '../../src/xds/resource.js';

export interface ResourceStats {
  objects: number;
  objectBytes: number;
  contents: number;
  contentBytes: number;
  typeMaps: number;
  distinctTypeMaps: number;
  /** Per type (short name): objects beyond one per distinct content, and a sample name. */
  duplicates: Record<string, { extra: number; sample: string }>;
}

export function resourceStats(cache: SnapshotCache): ResourceStats {
  const objects = new Set<XdsResource>();
  const contents = new Map<string, number>();
  const maps = new Set<unknown>();
  let typeMaps = 0;
  for (const id of cache.nodeIds()) {
    for (const byName of cache.getSnapshot(id)?.values() ?? []) {
      typeMaps++;
      maps.add(byName);
      for (const r of byName.values()) {
        objects.add(r);
        contents.set(`${r.typeUrl}|${r.name}|${r.version}`, r.anyBytes.length);
      }
    }
  }
  let objectBytes = 0;
  for (const r of objects) objectBytes += r.anyBytes.length;
  let contentBytes = 0;
  for (const n of contents.values()) contentBytes += n;
  const seen = new Set<string>();
  const duplicates: ResourceStats['duplicates'] = {};
  for (const r of objects) {
    const key = `${r.typeUrl}|${r.name}|${r.version}`;
    if (!seen.has(key)) {
      seen.add(key);
      continue;
    }
    const type = r.typeUrl.slice(r.typeUrl.lastIndexOf('.') + 1);
    const d = (duplicates[type] ??= { extra: 0, sample: r.name });
    d.extra++;
  }
  return {
    objects: objects.size,
    objectBytes,
    contents: contents.size,
    contentBytes,
    typeMaps,
    distinctTypeMaps: maps.size,
    duplicates,
  };
}

export function formatResourceStats(s: ResourceStats): string {
  const mb = (b: number): string => (b / 1048576).toFixed(1);
  const dup = Object.entries(s.duplicates)
    .map(([type, d]) => `${type} +${d.extra} (e.g. ${d.sample})`)
    .join(', ');
  return `resources: ${s.objects} objects (${mb(s.objectBytes)} MB), ${s.contents} distinct contents (${mb(s.contentBytes)} MB)${dup ? `; held twice: ${dup}` : ''}; type maps: ${s.typeMaps}, ${s.distinctTypeMaps} distinct objects`;
}
