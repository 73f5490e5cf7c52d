// Request-level identity (requestPrincipals, request.auth.*) lives in the dynamic metadata the
// jwt_authn filter writes under `payload`; RBAC reaches it through metadata matchers. Claims
// can be strings or lists (e.g. `aud`), so istiod matches "one of the list OR the value".
import { create } from '@bufbuild/protobuf';
import {
  MetadataMatcherSchema,
  type MetadataMatcher,
} from '../../gen/envoy/type/matcher/v3/metadata_pb.js';
import type { StringMatcher } from '../../gen/envoy/type/matcher/v3/string_pb.js';
import { ValueMatcherSchema, type ValueMatcher } from '../../gen/envoy/type/matcher/v3/value_pb.js';
import { stringMatcherWithPrefix } from './string-matchers.js';

export const JWT_FILTER = 'envoy.filters.http.jwt_authn';
export const JWT_PAYLOAD_KEY = 'payload';

export function stringValue(m: StringMatcher): ValueMatcher {
  return create(ValueMatcherSchema, { matchPattern: { case: 'stringMatch', value: m } });
}

/** One value matcher, or an OR of several (a single one stays unwrapped). */
export function orValues(matchers: ValueMatcher[]): ValueMatcher {
  if (matchers.length === 1) return matchers[0];
  return create(ValueMatcherSchema, {
    matchPattern: { case: 'orMatch', value: { valueMatchers: matchers } },
  });
}

/** Any of `values` in Istio's wildcard syntax. */
export function stringOrValues(values: readonly string[]): ValueMatcher {
  return orValues(values.map((v) => stringValue(stringMatcherWithPrefix(v))));
}

function path(keys: readonly string[]) {
  return keys.map((key) => ({ segment: { case: 'key' as const, value: key } }));
}

/** `payload.<claim>` equals the string matcher (iss / sub of requestPrincipals). */
export function jwtClaimString(claim: string, m: StringMatcher): MetadataMatcher {
  return create(MetadataMatcherSchema, {
    filter: JWT_FILTER,
    path: path([JWT_PAYLOAD_KEY, claim]),
    value: stringValue(m),
  });
}

/** `payload.<claims...>` is a list containing a match, or is itself a matching value. */
export function jwtClaimList(claims: readonly string[], value: ValueMatcher): MetadataMatcher {
  const list = create(ValueMatcherSchema, {
    matchPattern: { case: 'listMatch', value: { matchPattern: { case: 'oneOf', value } } },
  });
  return create(MetadataMatcherSchema, {
    filter: JWT_FILTER,
    path: path([JWT_PAYLOAD_KEY, ...claims]),
    value: create(ValueMatcherSchema, {
      matchPattern: { case: 'orMatch', value: { valueMatchers: [list, value] } },
    }),
  });
}
