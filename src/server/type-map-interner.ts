// One map object per distinct per-type resource map within a push generation. The proxies of a
// Sidecar scope are mostly served the very same resources (translation shares message objects,
// and each message is encoded once), so their load assignment and route maps, and often their
// cluster and listener maps, hold equal entries: sharing one map among them saves its hash table
// per proxy (~3 KB per type and proxy at 1,000 services) and lets diffs and streams compare maps
// by identity. Maps are shared only when every name maps to the identical resource object, so a
// shared map stands for exactly what each proxy would otherwise hold. Maps are immutable once
// built (snapshot-cache.ts), which is what makes sharing them safe.
import type { XdsResource } from '../xds/resource.js';
import type { Snapshot } from '../xds/snapshot-cache.js';

type TypeMap = ReadonlyMap<string, XdsResource>;

const serials = new WeakMap<XdsResource, number>();
let nextSerial = 1;

function serialOf(r: XdsResource): number {
  let s = serials.get(r);
  if (s === undefined) {
    s = nextSerial++;
    serials.set(r, s);
  }
  return s;
}

/** Maps that went through an interner: kept as they are when met again (e.g. patches keep them). */
const interned = new WeakSet<TypeMap>();

/** Order-independent fingerprint of (name → resource identity) pairs. */
function fingerprint(typeUrl: string, map: TypeMap): string {
  let sum = 0;
  let mix = 0;
  for (const r of map.values()) {
    const s = serialOf(r);
    sum = (sum + s) | 0;
    mix ^= Math.imul(s, 0x9e3779b1);
  }
  return `${typeUrl}|${map.size}|${sum}|${mix}`;
}

function sameEntries(a: TypeMap, b: TypeMap): boolean {
  if (a.size !== b.size) return false;
  for (const [name, r] of a) if (b.get(name) !== r) return false;
  return true;
}

export class TypeMapInterner {
  private readonly byFingerprint = new Map<string, TypeMap[]>();
  /** Maps replaced by an equal one already known, and maps registered as new. */
  shared = 0;
  distinct = 0;

  /** An equal map already seen in this generation, else `map` itself (now known). */
  intern(typeUrl: string, map: TypeMap): TypeMap {
    if (interned.has(map)) return map;
    const key = fingerprint(typeUrl, map);
    const bucket = this.byFingerprint.get(key);
    const equal = bucket?.find((m) => sameEntries(m, map));
    if (equal !== undefined) {
      this.shared++;
      return equal;
    }
    if (bucket) bucket.push(map);
    else this.byFingerprint.set(key, [map]);
    interned.add(map);
    this.distinct++;
    return map;
  }

  /** `snapshot` with each type's map interned; the same object when nothing was replaced. */
  internSnapshot(snapshot: Snapshot): Snapshot {
    let out: Map<string, TypeMap> | undefined;
    for (const [typeUrl, map] of snapshot) {
      const shared = this.intern(typeUrl, map);
      if (shared === map) continue;
      out ??= new Map(snapshot);
      out.set(typeUrl, shared);
    }
    return out ?? snapshot;
  }
}
