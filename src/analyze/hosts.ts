// Host name helpers for the analyzers: Istio resolves a short name against the namespace of the
// resource that uses it (`reviews` in `default` → `reviews.default.svc.cluster.local`).

export function fqdnOf(host: string, namespace: string, suffix: string): string {
  if (host.includes('.') || host.includes('*')) return host === '*' ? host : host;
  return `${host}.${namespace}.svc.${suffix}`;
}

/** Whether `pattern` (possibly `*.x` or `*`) covers `host`. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  return pattern.startsWith('*') && host.endsWith(pattern.slice(1));
}
