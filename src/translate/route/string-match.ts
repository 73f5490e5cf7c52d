// Istio StringMatch → Envoy StringMatcher (util.ConvertToEnvoyMatch). Regexes are RE2 and
// full-match in Envoy; Istio sets no engine_type (google_re2 is Envoy's default).
import { create } from '@bufbuild/protobuf';

import type { StringMatch } from '../../model/istio-types.js';
import { RegexMatcherSchema, type RegexMatcher } from '../../gen/envoy/type/matcher/v3/regex_pb.js';
import {
  StringMatcherSchema,
  type StringMatcher,
} from '../../gen/envoy/type/matcher/v3/string_pb.js';

export function regexMatcher(regex: string): RegexMatcher {
  return create(RegexMatcherSchema, { regex });
}

/** Undefined when the StringMatch sets none of exact/prefix/regex. */
export function toStringMatcher(m: StringMatch | undefined): StringMatcher | undefined {
  if (!m) return undefined;
  if (m.exact !== undefined) {
    return create(StringMatcherSchema, { matchPattern: { case: 'exact', value: m.exact } });
  }
  if (m.prefix !== undefined) {
    return create(StringMatcherSchema, { matchPattern: { case: 'prefix', value: m.prefix } });
  }
  if (m.regex !== undefined) {
    return create(StringMatcherSchema, {
      matchPattern: { case: 'safeRegex', value: regexMatcher(m.regex) },
    });
  }
  return undefined;
}

/**
 * Istio turns a match that selects nothing (absent / empty) or the regex `*` into a presence
 * check: `*` is not valid RE2 and users mean "header is there".
 */
export function isPresenceMatch(m: StringMatch | undefined): boolean {
  if (!m) return true;
  if (m.exact === undefined && m.prefix === undefined && m.regex === undefined) return true;
  return m.exact === undefined && m.prefix === undefined && m.regex === '*';
}
