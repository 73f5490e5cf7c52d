// Istio host name semantics (pkg/config/host): `*` matches everything, `*.foo.com` matches any
// name ending in `.foo.com`; a wildcard is a subset of a wider wildcard.

export const isWildcard = (h: string): boolean => h.startsWith('*');

/** Whether every name matched by `a` is matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  if (a === b) return true;
  if (!isWildcard(b)) return false;
  if (b === '*') return true;
  const suffix = b.slice(1); // `.foo.com`
  return isWildcard(a) ? a.slice(1).endsWith(suffix) : a.endsWith(suffix);
}

/** Whether the two names can match a common host. */
export function hostsMatch(a: string, b: string): boolean {
  return hostSubsetOf(a, b) || hostSubsetOf(b, a);
}

/** Istio's Names.Intersection: for each overlapping pair, the more specific name, deduplicated. */
export function intersectHosts(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  const add = (h: string): void => {
    if (!out.includes(h)) out.push(h);
  };
  for (const x of a) {
    for (const y of b) {
      if (hostSubsetOf(x, y)) add(x);
      else if (hostSubsetOf(y, x)) add(y);
    }
  }
  return out;
}
