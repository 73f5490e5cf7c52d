// HTTPMatchRequest → Envoy RouteMatch (istio route.go TranslateRouteMatch), plus the per-proxy
// filters that decide whether a match block applies at all (port, sourceLabels,
// sourceNamespace, gateways).
import { create } from '@bufbuild/protobuf';

import type { HTTPMatchRequest, StringMatch } from '../../model/istio-types.js';
import {
  HeaderMatcherSchema,
  QueryParameterMatcherSchema,
  RouteMatchSchema,
  type HeaderMatcher,
  type QueryParameterMatcher,
  type Route,
  type RouteMatch,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { isPresenceMatch, regexMatcher, toStringMatcher } from './string-match.js';

export const HEADER_METHOD = ':method';
export const HEADER_AUTHORITY = ':authority';
export const HEADER_SCHEME = ':scheme';

export function headerMatcher(name: string, m: StringMatch | undefined): HeaderMatcher {
  if (isPresenceMatch(m)) {
    return create(HeaderMatcherSchema, {
      name,
      headerMatchSpecifier: { case: 'presentMatch', value: true },
    });
  }
  const sm = toStringMatcher(m);
  return create(HeaderMatcherSchema, {
    name,
    headerMatchSpecifier: sm ? { case: 'stringMatch', value: sm } : { case: undefined },
  });
}

function queryParameterMatcher(name: string, m: StringMatch | undefined): QueryParameterMatcher {
  if (isPresenceMatch(m)) {
    return create(QueryParameterMatcherSchema, {
      name,
      queryParameterMatchSpecifier: { case: 'presentMatch', value: true },
    });
  }
  const sm = toStringMatcher(m);
  return create(QueryParameterMatcherSchema, {
    name,
    queryParameterMatchSpecifier: sm ? { case: 'stringMatch', value: sm } : { case: undefined },
  });
}

const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * Translates one match block. `undefined` (a route without match) is the catch-all `prefix: /`
 * with no case_sensitive flag, exactly as istiod emits it. JWT-claim headers
 * (`@request.auth.claims...`) are not supported and are translated as plain headers.
 */
export function translateRouteMatch(match: HTTPMatchRequest | undefined): RouteMatch {
  const out = create(RouteMatchSchema, { pathSpecifier: { case: 'prefix', value: '/' } });
  if (!match) return out;

  const headers: HeaderMatcher[] = [];
  for (const [name, m] of Object.entries(match.headers ?? {})) headers.push(headerMatcher(name, m));
  for (const [name, m] of Object.entries(match.withoutHeaders ?? {})) {
    const h = headerMatcher(name, m);
    h.invertMatch = true;
    // Envoy rejects treat_missing_header_as_empty together with present_match.
    if (!isPresenceMatch(m)) h.treatMissingHeaderAsEmpty = true;
    headers.push(h);
  }
  // Istio sorts the header matchers (Go maps have no order); pseudo-headers follow unsorted.
  headers.sort(byName);

  const uri = match.uri;
  if (uri?.exact !== undefined) out.pathSpecifier = { case: 'path', value: uri.exact };
  else if (uri?.prefix !== undefined) out.pathSpecifier = { case: 'prefix', value: uri.prefix };
  else if (uri?.regex !== undefined) {
    out.pathSpecifier = { case: 'safeRegex', value: regexMatcher(uri.regex) };
  }

  out.caseSensitive = !match.ignoreUriCase;

  if (match.method) headers.push(headerMatcher(HEADER_METHOD, match.method));
  if (match.authority) headers.push(headerMatcher(HEADER_AUTHORITY, match.authority));
  if (match.scheme) headers.push(headerMatcher(HEADER_SCHEME, match.scheme));
  out.headers = headers;

  const params = Object.entries(match.queryParams ?? {}).map(([n, m]) =>
    queryParameterMatcher(n, m),
  );
  // Sorted for stable output (istiod's order is Go map order).
  out.queryParameters = params.sort(byName);
  return out;
}

/** Whether `sub`'s labels are all present with the same values in `labels`. */
function labelsSubsetOf(sub: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(sub).every(([k, v]) => labels[k] === v);
}

/**
 * Istio's sourceMatchHTTP: a match naming gateways applies only when one of them is being
 * built; otherwise sourceLabels must be a subset of the proxy's labels and sourceNamespace (if
 * set) must be the proxy's namespace. `gateways` here must already be resolved (`mesh`/`ns/name`).
 */
export function sourceMatches(
  match: HTTPMatchRequest | undefined,
  resolvedGateways: readonly string[],
  proxyLabels: Record<string, string>,
  proxyNamespace: string,
  gatewayNames: ReadonlySet<string>,
): boolean {
  if (!match) return true;
  if (resolvedGateways.length > 0) return resolvedGateways.some((g) => gatewayNames.has(g));
  if (!labelsSubsetOf(match.sourceLabels ?? {}, proxyLabels)) return false;
  return !match.sourceNamespace || match.sourceNamespace === proxyNamespace;
}

/** A match on another port than the listener's drops the block (istio translateRoute). */
export function portMatches(match: HTTPMatchRequest | undefined, listenerPort: number): boolean {
  return !match?.port || match.port === listenerPort;
}

/** Istio's IsCatchAllRoute: `/` prefix (or `.*` regex) and no header/query/metadata matchers. */
export function isCatchAllRoute(r: Route): boolean {
  const m = r.match;
  if (!m) return false;
  const ps = m.pathSpecifier;
  const catchAll =
    (ps.case === 'prefix' && ps.value === '/') ||
    (ps.case === 'pathSeparatedPrefix' && ps.value === '/') ||
    (ps.case === 'safeRegex' && ps.value.regex === '.*');
  return (
    catchAll &&
    m.headers.length === 0 &&
    m.queryParameters.length === 0 &&
    m.dynamicMetadata.length === 0
  );
}
