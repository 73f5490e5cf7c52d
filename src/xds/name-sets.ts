// Shared, immutable sets of subscribed resource names. Proxies with the same subscription (the
// sidecars of a namespace under one Sidecar resource, typically) hold one Set and one sorted list
// between them instead of one each: with thousands of streams subscribing to hundreds of EDS names,
// these copies were most of a stream's memory.
//
// Contract: a set returned by `internNameSet` is never mutated. Holders replace their set when the
// subscription changes (copy, edit the copy, intern it again). Entries are held weakly: a set no
// stream uses any more is collected, and its registry entry with it.
import { createHash } from 'node:crypto';

const EMPTY: ReadonlySet<string> = new Set();
const EMPTY_SORTED: readonly string[] = Object.freeze([]);

/** Interned set → its names in sorted order (what status reports). */
const sortedBySet = new WeakMap<ReadonlySet<string>, readonly string[]>([[EMPTY, EMPTY_SORTED]]);
/** Content key → interned set. */
const registry = new Map<string, WeakRef<ReadonlySet<string>>>();
const cleanup = new FinalizationRegistry<string>((key) => {
  // The key may have been reused by a newer set since this one became unreachable.
  if (registry.get(key)?.deref() === undefined) registry.delete(key);
});

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A short digest of the sorted names; equality is still checked name by name on a hit. */
function keyOf(sorted: readonly string[]): string {
  const h = createHash('sha256');
  for (const n of sorted) h.update(n).update('\u0000');
  return h.digest('base64');
}

function sameNames(set: ReadonlySet<string>, sorted: readonly string[]): boolean {
  if (set.size !== sorted.length) return false;
  for (const n of sorted) if (!set.has(n)) return false;
  return true;
}

/**
 * The shared set holding exactly `names` (duplicates collapse). Returns `names` itself, now
 * shared, when it is a Set with no interned equal, so callers may pass a fresh Set they will not
 * touch again.
 */
export function internNameSet(names: Iterable<string>): ReadonlySet<string> {
  if (sortedBySet.has(names as ReadonlySet<string>)) return names as ReadonlySet<string>;
  const fresh = names instanceof Set ? (names as Set<string>) : new Set(names);
  if (fresh.size === 0) return EMPTY;
  const sorted = Object.freeze([...fresh].sort(compare));
  const key = keyOf(sorted);
  const known = registry.get(key)?.deref();
  if (known && sameNames(known, sorted)) return known;
  // A digest collision (never expected) leaves the earlier set interned and this one private.
  if (known) {
    sortedBySet.set(fresh, sorted);
    return fresh;
  }
  registry.set(key, new WeakRef(fresh));
  cleanup.register(fresh, key);
  sortedBySet.set(fresh, sorted);
  return fresh;
}

/** The names sorted; shared (and frozen) for interned sets, a fresh array otherwise. */
export function sortedNames(names: Iterable<string>): readonly string[] {
  return sortedBySet.get(names as ReadonlySet<string>) ?? [...names].sort(compare);
}

/** Distinct interned sets alive (or not yet collected); for tests and diagnostics. */
export function internedNameSetCount(): number {
  return registry.size;
}
