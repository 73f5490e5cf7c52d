// Per-push memoization of translation results that many proxies share (outbound clusters, route
// configs, listeners, load assignments, Sidecar scopes). Translation stays pure: a memo entry is
// only ever the value its builder would return for ANY proxy producing the same key, so callers
// must put into the key everything the builder reads from the proxy. Entries live exactly as
// long as their PushContext (WeakMap), so a new push starts empty and nothing leaks across pushes.
// Shared results are shared objects: they must never be mutated after they were memoized (the
// xDS layer encodes each message object once, see xds/resource.ts encodeResource).
import type { PushContext } from '../../model/push-context.js';

const memos = new WeakMap<object, Map<string, unknown>>();
let enabled = true;

/** Memoization statistics since the last reset (benchmarks, tests). */
export const memoStats = { hits: 0, misses: 0 };

/** The value memoized for `key` in `owner`'s table, built on first use. */
function lookup<T>(
  tables: WeakMap<object, Map<string, unknown>>,
  owner: object,
  key: string,
  build: () => T,
): T {
  if (!enabled) return build();
  let table = tables.get(owner);
  if (table === undefined) {
    table = new Map();
    tables.set(owner, table);
  }
  if (table.has(key)) {
    memoStats.hits++;
    return table.get(key) as T;
  }
  memoStats.misses++;
  const value = build();
  table.set(key, value);
  return value;
}

/** Returns the value memoized for `key` in this push, building it on first use. */
export function memo<T>(push: PushContext, key: string, build: () => T): T {
  return lookup(memos, push, key, build);
}

const ownedMemos = new WeakMap<object, Map<string, unknown>>();

/**
 * Like `memo`, but the value lives as long as `owner`, an immutable object the builder's result
 * is derived from, so it outlives the push when a later push context keeps that object (e.g. a
 * service registry carried over unchanged). The key must hold everything else the builder reads.
 */
export function memoOn<T>(owner: object, key: string, build: () => T): T {
  return lookup(ownedMemos, owner, key, build);
}

/**
 * Forgets every result memoized for `push` (later lookups rebuild them). The server calls this
 * once proxies are configured and quiet: the memo holds the shared message objects, which are
 * many times larger than their encoded bytes (those stay in the snapshots), and is only worth
 * its memory while proxies are being translated. Returns whether there was anything to forget.
 */
export function releaseMemo(push: PushContext): boolean {
  return memos.delete(push);
}

/**
 * Runs `fn` with memoization switched off (every builder runs for every proxy), so tests can
 * prove memoized and unmemoized translation agree.
 */
export function withoutMemo<T>(fn: () => T): T {
  const before = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

const ids = new WeakMap<object, number>();
let nextId = 1;

/**
 * A process-unique number for an object, for memo keys that depend on WHICH immutable object
 * (a Service, a merged DestinationRule, a Sidecar scope) a lookup returned within one push.
 */
export function objectId(o: object | undefined): string {
  if (o === undefined) return '-';
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return String(id);
}

const labelKeys = new WeakMap<Record<string, string>, string>();

/** Canonical text of a label map (sorted `k=v`), cached per label object. */
export function labelsKey(labels: Record<string, string>): string {
  let key = labelKeys.get(labels);
  if (key === undefined) {
    key = JSON.stringify(
      Object.keys(labels)
        .sort()
        .map((k) => [k, labels[k]]),
    );
    labelKeys.set(labels, key);
  }
  return key;
}
