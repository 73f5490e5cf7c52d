// What a stream sent (SotW) or what its client holds (Delta), kept by reference: a snapshot's
// per-type map plus the subscribed names it was restricted to. Snapshots are replaced, never
// mutated (SnapshotCache), and name sets are interned and immutable (name-sets.ts), so the pair
// stands for the name → version map it describes without copying it per stream.
import type { XdsResource } from './resource.js';

export type TypeResources = ReadonlyMap<string, XdsResource>;

export const NO_RESOURCES: TypeResources = new Map();

/** The resources of `from` whose names are in `names` (all of them when `names` is undefined). */
export interface ResourceView {
  readonly from: TypeResources;
  readonly names: ReadonlySet<string> | undefined;
}

export const EMPTY_VIEW: ResourceView = { from: NO_RESOURCES, names: undefined };

export function viewOf(from: TypeResources | undefined, names: ReadonlySet<string> | undefined) {
  return { from: from ?? NO_RESOURCES, names } satisfies ResourceView;
}

/** The version the view holds for `name`, if any. */
export function versionIn(view: ResourceView, name: string): string | undefined {
  if (view.names !== undefined && !view.names.has(name)) return undefined;
  return view.from.get(name)?.version;
}

/** The names the view holds, in no particular order. */
export function* namesIn(view: ResourceView): Generator<string> {
  const { from, names } = view;
  if (names === undefined) {
    yield* from.keys();
    return;
  }
  // Iterate the smaller side: a subscription may name far more than the map holds, or less.
  if (names.size <= from.size) {
    for (const n of names) if (from.has(n)) yield n;
  } else {
    for (const n of from.keys()) if (names.has(n)) yield n;
  }
}

export function sizeOf(view: ResourceView): number {
  if (view.names === undefined) return view.from.size;
  let size = 0;
  for (const _ of namesIn(view)) size++;
  return size;
}

/** The view as a materialized name → version map. */
export function versionsOf(view: ResourceView): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of namesIn(view)) out.set(n, (view.from.get(n) as XdsResource).version);
  return out;
}

/** Whether two views hold the same names with the same versions. */
export function sameVersions(a: ResourceView, b: ResourceView): boolean {
  if (a.from === b.from && a.names === b.names) return true;
  let size = 0;
  for (const n of namesIn(a)) {
    size++;
    if (versionIn(b, n) !== (a.from.get(n) as XdsResource).version) return false;
  }
  return size === sizeOf(b);
}

/**
 * The view moved onto `next` when the snapshot replaced `previous` by `next` for the view's type
 * and the change leaves the view's content as it was; undefined when it does not apply (the view
 * was cut from another map, or a name it covers changed). `changed` is the snapshot diff's names
 * for the type (undefined: none). Rebasing lets a stream drop its hold on
 * superseded maps (and on resources only they still reference) while its content stays the same.
 */
export function rebased(
  view: ResourceView,
  previous: TypeResources | undefined,
  next: TypeResources | undefined,
  changed: ReadonlySet<string> | undefined,
): ResourceView | undefined {
  if (previous === undefined || view.from !== previous || previous === next) return undefined;
  if (changed !== undefined) {
    // A diff lists every name added, updated or removed: none may be one the view covers.
    if (view.names === undefined) return undefined;
    for (const n of changed) if (view.names.has(n)) return undefined;
  }
  return viewOf(next, view.names);
}
