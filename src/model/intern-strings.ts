// One shared copy of each repeated string value in parsed config. A parser hands out a fresh
// string for every scalar, so thousands of documents carry thousands of copies of `v1`, `Pod`,
// `http`, `True`, label values and hostnames (about a fifth of the config model's memory at
// 1,000 services; property names are already shared by V8). Replacing a string by an identical
// one changes nothing a reader can observe.
//
// The table lives only as long as the caller keeps it (ConfigStore: one apply() batch), so strings
// of deleted resources are never pinned by it.

/** Longer values are rarely repeated; hashing them would cost more than it saves. */
const MAX_INTERNED_LENGTH = 128;
/** Parsed config is shallow; YAML aliases could make it cyclic, which must not loop forever. */
const MAX_DEPTH = 64;

/** Rewrites, in place, every string value (in objects and arrays) to the table's copy. */
export function internStrings(value: unknown, table: Map<string, string>): void {
  walk(value, table, 0);
}

function walk(value: unknown, table: Map<string, string>, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return;
  if (Object.isFrozen(value)) return; // someone else's immutable data: leave it as it is
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = shared(v, table);
      else walk(v, table, depth + 1);
    }
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (typeof v === 'string') obj[key] = shared(v, table);
    else walk(v, table, depth + 1);
  }
}

function shared(s: string, table: Map<string, string>): string {
  if (s.length > MAX_INTERNED_LENGTH) return s;
  const known = table.get(s);
  if (known !== undefined) return known;
  table.set(s, s);
  return s;
}
