// Istio CorsPolicy → envoy.filters.http.cors per-route CorsPolicy (istio TranslateCORSPolicy).
import { create } from '@bufbuild/protobuf';

import type { CorsPolicy as IstioCorsPolicy } from '../../model/istio-types.js';
import { parseDurationNanos } from '../common/duration.js';
import {
  CorsPolicySchema,
  type CorsPolicy,
} from '../../gen/envoy/extensions/filters/http/cors/v3/cors_pb.js';
import {
  StringMatcherSchema,
  type StringMatcher,
} from '../../gen/envoy/type/matcher/v3/string_pb.js';
import { fractionFromInteger } from './percent.js';
import { toStringMatcher } from './string-match.js';

export const CORS_FILTER = 'envoy.filters.http.cors';

export function translateCorsPolicy(cors: IstioCorsPolicy): CorsPolicy {
  let origins: StringMatcher[] = [];
  if (cors.allowOrigins) {
    origins = cors.allowOrigins.flatMap((m) => {
      const sm = toStringMatcher(m);
      return sm ? [sm] : [];
    });
  } else if (cors.allowOrigin) {
    origins = cors.allowOrigin.map((o) =>
      create(StringMatcherSchema, { matchPattern: { case: 'exact', value: o } }),
    );
  }
  const maxAgeNanos = cors.maxAge ? parseDurationNanos(cors.maxAge) : undefined;
  return create(CorsPolicySchema, {
    allowOriginStringMatch: origins,
    // Envoy ≥1.30 stopped forwarding unmatched preflights by default; Istio keeps forwarding
    // unless the user asks to IGNORE them.
    forwardNotMatchingPreflights: cors.unmatchedPreflights !== 'IGNORE',
    filterEnabled: { defaultValue: fractionFromInteger(100) },
    allowCredentials: cors.allowCredentials,
    allowHeaders: (cors.allowHeaders ?? []).join(','),
    allowMethods: (cors.allowMethods ?? []).join(','),
    exposeHeaders: (cors.exposeHeaders ?? []).join(','),
    maxAge: maxAgeNanos !== undefined ? String(maxAgeNanos / 1_000_000_000n) : '',
  });
}
