// Walks one HTTP request through a RouteConfiguration the way Envoy does: pick the virtual host
// by domain (exact > `*.suffix` > `prefix*` > `*`, longest first), then the first route whose
// path, header and query matchers all hold. Reports why each earlier route was skipped.
import type {
  HeaderMatcher,
  QueryParameterMatcher,
  Route,
  RouteMatch,
  VirtualHost,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import type { RouteConfiguration } from '../../gen/envoy/config/route/v3/route_pb.js';
import type { StringMatcher } from '../../gen/envoy/type/matcher/v3/string_pb.js';

export interface HttpRequest {
  /** Host / :authority, possibly with `:port`. */
  authority: string;
  /** Path including an optional query string. */
  path: string;
  method?: string;
  /** Lower- or mixed-case names; compared case-insensitively. */
  headers?: Record<string, string>;
  scheme?: string;
}

export interface SkippedRoute {
  index: number;
  name: string;
  reason: string;
}

export interface HttpRouteResult {
  virtualHost?: VirtualHost;
  route?: Route;
  routeIndex?: number;
  skipped: SkippedRoute[];
  /** Why no vhost / route was selected (Envoy answers 404 NR). */
  noMatchReason?: string;
}

/** Envoy full-match RE2 approximated by an anchored JS regex (same syntax for common patterns). */
function fullMatch(regex: string, value: string, ignoreCase = false): boolean {
  try {
    return new RegExp(`^(?:${regex})$`, ignoreCase ? 'i' : '').test(value);
  } catch {
    return false;
  }
}

export function stringMatches(m: StringMatcher, value: string): boolean {
  const p = m.matchPattern;
  const v = m.ignoreCase ? value.toLowerCase() : value;
  const lc = (s: string): string => (m.ignoreCase ? s.toLowerCase() : s);
  switch (p.case) {
    case 'exact':
      return v === lc(p.value);
    case 'prefix':
      return v.startsWith(lc(p.value));
    case 'suffix':
      return v.endsWith(lc(p.value));
    case 'contains':
      return v.includes(lc(p.value));
    case 'safeRegex':
      return fullMatch(p.value.regex, value, m.ignoreCase);
    default:
      return false;
  }
}

function splitPath(path: string): { path: string; query: URLSearchParams } {
  const q = path.indexOf('?');
  return q < 0
    ? { path, query: new URLSearchParams() }
    : { path: path.slice(0, q), query: new URLSearchParams(path.slice(q + 1)) };
}

function requestHeader(req: HttpRequest, name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === ':authority' || n === 'host') return req.authority;
  if (n === ':method') return req.method ?? 'GET';
  if (n === ':scheme') return req.scheme ?? 'http';
  if (n === ':path') return req.path;
  for (const [k, v] of Object.entries(req.headers ?? {})) if (k.toLowerCase() === n) return v;
  return undefined;
}

/** Envoy HeaderUtility::matchHeaders semantics, including invert and missing headers. */
export function headerMatches(h: HeaderMatcher, req: HttpRequest): boolean {
  let value = requestHeader(req, h.name);
  const spec = h.headerMatchSpecifier;
  if (value === undefined && !h.treatMissingHeaderAsEmpty) {
    if (spec.case === 'presentMatch') return h.invertMatch ? spec.value : !spec.value;
    return false;
  }
  value ??= '';
  let ok: boolean;
  switch (spec.case) {
    case 'presentMatch':
      ok = spec.value;
      break;
    case 'stringMatch':
      ok = stringMatches(spec.value, value);
      break;
    case 'exactMatch':
      ok = value === spec.value;
      break;
    case 'prefixMatch':
      ok = value.startsWith(spec.value);
      break;
    case 'suffixMatch':
      ok = value.endsWith(spec.value);
      break;
    case 'containsMatch':
      ok = value.includes(spec.value);
      break;
    case 'safeRegexMatch':
      ok = fullMatch(spec.value.regex, value);
      break;
    default:
      ok = true;
  }
  return h.invertMatch ? !ok : ok;
}

function queryMatches(q: QueryParameterMatcher, query: URLSearchParams): boolean {
  const value = query.get(q.name);
  if (value === null) return false;
  const spec = q.queryParameterMatchSpecifier;
  if (spec.case === 'presentMatch') return spec.value;
  if (spec.case === 'stringMatch') return stringMatches(spec.value, value);
  return true;
}

/** Undefined when the route matches, else the first failing condition. */
export function whyRouteDoesNotMatch(
  match: RouteMatch | undefined,
  req: HttpRequest,
): string | undefined {
  if (!match) return 'route has no match';
  const { path, query } = splitPath(req.path);
  const cs = match.caseSensitive ?? true;
  const norm = (s: string): string => (cs ? s : s.toLowerCase());
  const ps = match.pathSpecifier;
  switch (ps.case) {
    case 'prefix':
      if (!norm(path).startsWith(norm(ps.value)))
        return `path ${path} does not start with ${ps.value}`;
      break;
    case 'path':
      if (norm(path) !== norm(ps.value)) return `path ${path} is not ${ps.value}`;
      break;
    case 'safeRegex':
      if (!fullMatch(ps.value.regex, path, !cs))
        return `path ${path} does not match /${ps.value.regex}/`;
      break;
    case 'pathSeparatedPrefix': {
      const p = norm(path);
      const want = norm(ps.value);
      if (p !== want && !p.startsWith(`${want}/`)) return `path ${path} is not under ${ps.value}`;
      break;
    }
    default:
      return `unsupported path specifier ${String(ps.case)}`;
  }
  for (const h of match.headers) {
    if (!headerMatches(h, req)) return `header ${h.name} does not match`;
  }
  for (const q of match.queryParameters) {
    if (!queryMatches(q, query)) return `query parameter ${q.name} does not match`;
  }
  return undefined;
}

/** Envoy's vhost choice; `ignorePort` strips `:port` from the authority first. */
export function selectVirtualHost(
  vhosts: readonly VirtualHost[],
  authority: string,
  ignorePort: boolean,
): VirtualHost | undefined {
  let host = authority.toLowerCase();
  if (ignorePort) {
    const m = /^(\[[^\]]+\]|[^:]+)(:\d+)?$/.exec(host);
    if (m) host = m[1];
  }
  const exact = vhosts.find((vh) => vh.domains.some((d) => d.toLowerCase() === host));
  if (exact) return exact;
  let best: { vh: VirtualHost; len: number } | undefined;
  // Suffix wildcards (`*.foo.com`, `*-bar.foo.com`), longest first.
  for (const vh of vhosts) {
    for (const d of vh.domains.map((x) => x.toLowerCase())) {
      if (
        d.length > 1 &&
        d.startsWith('*') &&
        host.endsWith(d.slice(1)) &&
        host.length > d.length - 1
      ) {
        if (!best || d.length > best.len) best = { vh, len: d.length };
      }
    }
  }
  if (best) return best.vh;
  // Prefix wildcards (`foo.*`), longest first.
  for (const vh of vhosts) {
    for (const d of vh.domains.map((x) => x.toLowerCase())) {
      if (
        d.length > 1 &&
        d.endsWith('*') &&
        host.startsWith(d.slice(0, -1)) &&
        host.length > d.length - 1
      ) {
        if (!best || d.length > best.len) best = { vh, len: d.length };
      }
    }
  }
  if (best) return best.vh;
  return vhosts.find((vh) => vh.domains.includes('*'));
}

export function simulateHttpRoute(rc: RouteConfiguration, req: HttpRequest): HttpRouteResult {
  const virtualHost = selectVirtualHost(
    rc.virtualHosts,
    req.authority,
    rc.ignorePortInHostMatching,
  );
  if (!virtualHost) {
    return { skipped: [], noMatchReason: `no virtual host matches authority ${req.authority}` };
  }
  const skipped: SkippedRoute[] = [];
  for (const [index, route] of virtualHost.routes.entries()) {
    const reason = whyRouteDoesNotMatch(route.match, req);
    if (reason === undefined) return { virtualHost, route, routeIndex: index, skipped };
    skipped.push({ index, name: route.name, reason });
  }
  return { virtualHost, skipped, noMatchReason: `no route of ${virtualHost.name} matches` };
}
