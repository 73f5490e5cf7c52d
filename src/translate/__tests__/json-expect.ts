// The istio-cases expectation semantics (testdata/istio-cases/README.md) as a comparison of an
// expected JSON value against the proto-JSON of generated config:
//   - keys left out are not asserted (objects compare as subsets, recursively);
//   - null means absent or empty;
//   - lists match exactly and in order; keys ending in `_include` / `_exclude` mean
//     must contain / must not contain;
//   - zero-valued enums and defaults (false, 0, "") may be omitted from the actual JSON.
// Returns one line per mismatch (empty = match) so a failing case says exactly what differs.
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const ZERO_ENUMS = new Set(['ROUND_ROBIN', 'MOVED_PERMANENTLY', 'HUNDRED', 'NONE']);

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && Object.keys(v).length === 0)
  );
}

function isDefault(v: Json): boolean {
  return v === false || v === 0 || v === '' || (typeof v === 'string' && ZERO_ENUMS.has(v));
}

function show(v: unknown): string {
  return JSON.stringify(v);
}

function sameScalar(expected: Json, actual: unknown): boolean {
  if (expected === actual) return true;
  // proto-JSON prints 64-bit integers as strings.
  if (typeof expected === 'number' && typeof actual === 'string')
    return String(expected) === actual;
  if (typeof expected === 'string' && typeof actual === 'number')
    return expected === String(actual);
  return false;
}

export function compareJson(expected: Json, actual: unknown, path = ''): string[] {
  if (expected === null) {
    return isEmpty(actual) ? [] : [`${path}: expected absent/empty, got ${show(actual)}`];
  }
  if (actual === undefined && isDefault(expected)) return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual))
      return [`${path}: expected list ${show(expected)}, got ${show(actual)}`];
    if (actual.length !== expected.length) {
      return [
        `${path}: expected ${expected.length} items ${show(expected)}, got ${actual.length} ${show(actual)}`,
      ];
    }
    return expected.flatMap((e, i) => compareJson(e, actual[i], `${path}[${i}]`));
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
      return [`${path}: expected object ${show(expected)}, got ${show(actual)}`];
    }
    const rec = actual as Record<string, unknown>;
    const out: string[] = [];
    for (const [k, v] of Object.entries(expected)) {
      if (k.endsWith('_include') || k.endsWith('_exclude')) {
        const base = k.replace(/_(include|exclude)$/, '');
        const list = rec[base];
        const items = Array.isArray(list) ? list : [];
        for (const item of Array.isArray(v) ? v : [v]) {
          const has = items.some((a) => compareJson(item, a).length === 0);
          if (k.endsWith('_include') && !has)
            out.push(`${path}.${base}: missing ${show(item)} in ${show(items)}`);
          if (k.endsWith('_exclude') && has)
            out.push(`${path}.${base}: must not contain ${show(item)}`);
        }
        continue;
      }
      out.push(...compareJson(v, rec[k], `${path}.${k}`));
    }
    return out;
  }
  return sameScalar(expected, actual)
    ? []
    : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}
