// The `from.source` fields and the source-side `when` keys, as RBAC principals. Peer identity
// conditions (principals, namespaces, service accounts, trust domains) all match the mTLS
// peer's SPIFFE URI, `spiffe://<trust domain>/ns/<ns>/sa/<sa>`.
import type { StringMatcher } from '../../gen/envoy/type/matcher/v3/string_pb.js';
import { AuthzRuleError } from './authz-rule-error.js';
import { cidrRange } from './cidr-range.js';
import type { GenContext, PrincipalGenerator, PrincipalListGenerator } from './generator-types.js';
import { jwtClaimList, jwtClaimString, stringOrValues } from './jwt-metadata.js';
import {
  principalAnd,
  principalAuthenticated,
  principalDirectRemoteIp,
  principalHeader,
  principalMetadata,
  principalOr,
  principalRemoteIp,
} from './rbac-nodes.js';
import {
  exactMatcher,
  headerMatcher,
  prefixMatcher,
  quoteMeta,
  regexMatcher,
  stringMatcherWithPrefix,
  suffixMatcher,
} from './string-matchers.js';

export const SPIFFE_PREFIX = 'spiffe://';
const ANY = regexMatcher('.+');

function httpOnly(key: string, ctx: GenContext): void {
  if (ctx.forTcp) throw new AuthzRuleError(`"${key}" is HTTP only`);
}

/** `a*b` → `a.*b` with the literal parts quoted. */
function globToRegex(value: string): string {
  return value.split('*').map(quoteMeta).join('.*');
}

/** The text inside `[...]` of `request.headers[name]`. */
function bracketed(rest: string): string {
  if (!rest.startsWith('[') || !rest.endsWith(']')) {
    throw new AuthzRuleError(`expecting format [<NAME>], but found ${rest}`);
  }
  return rest.slice(1, -1);
}

/** `[a][b]` → [a, b]; a single `[a.b]` stays one name, as istiod reads nested claims. */
function nestedBracketed(rest: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < rest.length) {
    const end = rest.indexOf(']', i);
    if (rest[i] !== '[' || end < 0 || rest.slice(i + 1, end).includes('[')) {
      return [bracketed(rest)];
    }
    names.push(rest.slice(i + 1, end));
    i = end + 1;
  }
  return names;
}

export const sourceIp: PrincipalGenerator = (_key, value) =>
  principalDirectRemoteIp(cidrRange(value));

export const remoteIp: PrincipalGenerator = (_key, value) => principalRemoteIp(cidrRange(value));

export const sourceNamespace: PrincipalGenerator = (_key, value) =>
  principalAuthenticated(regexMatcher(`.*/ns/${globToRegex(value)}/.*`));

/** `<sa>` (in the policy's namespace) or `<ns>/<sa>`; extra SPIFFE path segments allowed. */
export const sourceServiceAccount: PrincipalGenerator = (_key, value, ctx) => {
  const slash = value.indexOf('/');
  const ns = slash < 0 ? ctx.policyNamespace : value.slice(0, slash);
  const sa = slash < 0 ? value : value.slice(slash + 1);
  return principalAuthenticated(
    regexMatcher(`spiffe://.+/ns/${quoteMeta(ns)}/(.+/|)sa/${quoteMeta(sa)}(/.+)?`),
  );
};

export const sourceTrustDomain: PrincipalGenerator = (_key, value) => {
  let m: StringMatcher;
  if (value === '*') m = prefixMatcher(SPIFFE_PREFIX);
  else if (!value.includes('*')) m = prefixMatcher(`${SPIFFE_PREFIX}${value}/`);
  else {
    const star = value.indexOf('*');
    const pattern = `${quoteMeta(value.slice(0, star))}[^/]*${quoteMeta(value.slice(star + 1))}`;
    m = regexMatcher(`spiffe://${pattern}/.*`);
  }
  return principalAuthenticated(m);
};

/** `<trust domain>/ns/<ns>/sa/<sa>` with Istio wildcards, matched against `spiffe://...`. */
export const sourcePrincipal: PrincipalGenerator = (_key, value) =>
  principalAuthenticated(stringMatcherWithPrefix(value, SPIFFE_PREFIX));

export const REQUEST_HEADER_KEY = 'request.headers';
export const REQUEST_CLAIMS_KEY = 'request.auth.claims';

export const requestHeader: PrincipalGenerator = (key, value, ctx) => {
  httpOnly(key, ctx);
  const name = bracketed(key.slice(REQUEST_HEADER_KEY.length));
  return principalHeader(headerMatcher(name, value));
};

/** `iss/sub` pairs; the issuer may itself contain `/`, so the LAST slash splits them. */
export const requestPrincipals: PrincipalListGenerator = (key, values, ctx) => {
  httpOnly(key, ctx);
  const or = values.map((value) => {
    const idx = value.lastIndexOf('/');
    const found = idx >= 0;
    const iss = found ? value.slice(0, idx) : value;
    const sub = found ? value.slice(idx + 1) : '';
    let matchIss: StringMatcher;
    let matchSub: StringMatcher;
    if (value === '*') {
      matchIss = ANY;
      matchSub = ANY;
    } else if (value.startsWith('*')) {
      if (found) {
        matchIss = iss === '*' ? ANY : suffixMatcher(iss.slice(1));
        matchSub = exactMatcher(sub);
      } else {
        matchIss = ANY;
        matchSub = suffixMatcher(value.slice(1));
      }
    } else if (value.endsWith('*')) {
      if (found) {
        matchIss = exactMatcher(iss);
        matchSub = sub === '*' ? ANY : prefixMatcher(sub.slice(0, -1));
      } else {
        matchIss = prefixMatcher(value.slice(0, -1));
        matchSub = ANY;
      }
    } else {
      matchIss = exactMatcher(iss);
      matchSub = exactMatcher(sub);
    }
    return principalAnd([
      principalMetadata(jwtClaimString('iss', matchIss)),
      principalMetadata(jwtClaimString('sub', matchSub)),
    ]);
  });
  if (or.length === 0) return undefined;
  return or.length === 1 ? or[0] : principalOr(or);
};

const claimList =
  (claims: readonly string[]): PrincipalListGenerator =>
  (key, values, ctx) => {
    httpOnly(key, ctx);
    return principalMetadata(jwtClaimList(claims, stringOrValues(values)));
  };

export const requestAudiences = claimList(['aud']);
export const requestPresenter = claimList(['azp']);

export const requestClaims: PrincipalListGenerator = (key, values, ctx) => {
  httpOnly(key, ctx);
  const claims = nestedBracketed(key.slice(REQUEST_CLAIMS_KEY.length));
  return principalMetadata(jwtClaimList(claims, stringOrValues(values)));
};
