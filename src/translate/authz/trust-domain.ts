// Istio identities in policies name a trust domain (`cluster.local/ns/foo/sa/bar`); istiod
// rewrites `cluster.local` (the alias for "this mesh") and the mesh's own trust domain to the
// configured one, so policies written against the default keep working after a rename.
// Principals whose trust domain is `*` or foreign, or that are not 5-part SPIFFE paths, stay.
// (Trust domain aliases are not modelled: MeshConfig has one trust domain.)
import type { Condition } from './generator-types.js';

const LOCAL_ALIAS = 'cluster.local';

function globMatches(a: string, pattern: string): boolean {
  if (pattern.endsWith('*') && a.startsWith(pattern.slice(0, -1))) return true;
  if (pattern.startsWith('*') && a.endsWith(pattern.slice(1))) return true;
  return false;
}

function sameTrustDomain(a: string, b: string): boolean {
  return a === b || b === '*' || globMatches(a, b) || globMatches(b, a);
}

export function migratePrincipal(principal: string, trustDomain: string): string {
  const parts = principal.split('/');
  if (parts.length !== 5 || parts[0] === '*') return principal;
  const from = parts[0];
  if (!sameTrustDomain(from, trustDomain) && from !== LOCAL_ALIAS) return principal;
  // A `*-suffix` trust domain that already covers ours stays as written.
  if (from.startsWith('*') && trustDomain.endsWith(from.slice(1))) return principal;
  return [trustDomain, ...parts.slice(1)].join('/');
}

/** Rewrites the `source.principal` conditions of a rule's principals. */
export function migrateTrustDomain(principals: Condition[][], trustDomain: string): Condition[][] {
  return principals.map((conds) =>
    conds.map((c) =>
      c.key === 'source.principal'
        ? {
            ...c,
            values: c.values.map((v) => migratePrincipal(v, trustDomain)),
            notValues: c.notValues.map((v) => migratePrincipal(v, trustDomain)),
          }
        : c,
    ),
  );
}
