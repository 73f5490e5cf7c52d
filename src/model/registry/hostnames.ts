// Host name rules of Istio's config model: short-name resolution, wildcard matching and the
// "most specific host" choice used for DestinationRules and Sidecar egress hosts.

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/**
 * Resolves a host written in a resource of `namespace` to an FQDN the way istiod does: a name
 * without a dot becomes `<name>.<namespace>.svc.<domainSuffix>`; `*`, IPs and names with a dot
 * (including `*.foo.com`) are kept as written.
 */
export function resolveShortName(host: string, namespace: string, domainSuffix: string): string {
  if (host === '' || host === '*' || isIp(host) || host.includes('.')) return host;
  return `${host}.${namespace}.svc.${domainSuffix}`;
}

/**
 * Resolves a gateway reference in a VirtualService of `namespace`: `mesh` stays; `name` and
 * `./name` become `<namespace>/name`; legacy `name.ns.svc.cluster.local` becomes `ns/name`;
 * `ns/name` is kept.
 */
export function resolveGatewayName(gateway: string, namespace: string): string {
  if (gateway === 'mesh') return gateway;
  const slash = gateway.indexOf('/');
  if (slash >= 0) {
    return gateway.slice(0, slash) === '.' ? `${namespace}/${gateway.slice(slash + 1)}` : gateway;
  }
  const dot = gateway.indexOf('.');
  if (dot < 0) return `${namespace}/${gateway}`;
  const rest = gateway.slice(dot + 1);
  const nextDot = rest.indexOf('.');
  return `${nextDot < 0 ? rest : rest.slice(0, nextDot)}/${gateway.slice(0, dot)}`;
}

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** Istio's host.Name.Matches: equality, or suffix match when either side is a wildcard. */
export function hostsMatch(a: string, b: string): boolean {
  const aw = isWildcard(a);
  const bw = isWildcard(b);
  if (aw && bw) {
    return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  }
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * Istio's MostSpecificHostMatch: exact key first, else the longest wildcard key whose suffix
 * covers the needle. `specific` holds non-wildcard keys, `wildcards` the `*`-prefixed ones.
 */
export function mostSpecificHostMatch<V>(
  needle: string,
  specific: ReadonlyMap<string, V>,
  wildcards: ReadonlyMap<string, V>,
): V | undefined {
  if (isWildcard(needle)) {
    const exact = wildcards.get(needle);
    if (exact !== undefined) return exact;
    return longestWildcard(needle.slice(1), wildcards);
  }
  const exact = specific.get(needle);
  if (exact !== undefined) return exact;
  return longestWildcard(needle, wildcards);
}

function longestWildcard<V>(needle: string, wildcards: ReadonlyMap<string, V>): V | undefined {
  let best: string | undefined;
  let value: V | undefined;
  for (const [h, v] of wildcards) {
    if (needle.endsWith(h.slice(1)) && (best === undefined || h.length > best.length)) {
      best = h;
      value = v;
    }
  }
  return value;
}
