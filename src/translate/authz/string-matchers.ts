// Istio's authorization value syntax turned into Envoy matchers. In AuthorizationPolicy a value
// is exact, `prefix*`, `*suffix` or `*` (presence); `*` alone must never become an empty
// prefix/suffix, which Envoy's validation rejects, so it is always checked first.
import { create } from '@bufbuild/protobuf';
import {
  HeaderMatcherSchema,
  type HeaderMatcher,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { PathMatcherSchema, type PathMatcher } from '../../gen/envoy/type/matcher/v3/path_pb.js';
import {
  StringMatcherSchema,
  type StringMatcher,
} from '../../gen/envoy/type/matcher/v3/string_pb.js';

export function exactMatcher(value: string, ignoreCase = false): StringMatcher {
  return create(StringMatcherSchema, { ignoreCase, matchPattern: { case: 'exact', value } });
}

export function prefixMatcher(value: string, ignoreCase = false): StringMatcher {
  return create(StringMatcherSchema, { ignoreCase, matchPattern: { case: 'prefix', value } });
}

export function suffixMatcher(value: string, ignoreCase = false): StringMatcher {
  return create(StringMatcherSchema, { ignoreCase, matchPattern: { case: 'suffix', value } });
}

export function regexMatcher(regex: string): StringMatcher {
  return create(StringMatcherSchema, { matchPattern: { case: 'safeRegex', value: { regex } } });
}

/** RE2 quoting of a literal (same set of escaped characters as Go's regexp.QuoteMeta). */
export function quoteMeta(literal: string): string {
  return literal.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * A matcher for `value` with `prefix` glued in front (the `spiffe://` of principals). `*` is
 * `.+` (any non-empty value); with a prefix, `*suffix` needs a regex because the prefix and
 * the suffix must both match.
 */
export function stringMatcherWithPrefix(value: string, prefix = ''): StringMatcher {
  if (value === '*') return regexMatcher('.+');
  if (value.startsWith('*')) {
    const rest = value.slice(1);
    return prefix === '' ? suffixMatcher(rest) : regexMatcher(`${prefix}.*${quoteMeta(rest)}`);
  }
  if (value.endsWith('*')) return prefixMatcher(prefix + value.slice(0, -1));
  return exactMatcher(prefix + value);
}

function wildcardHeader(name: string, value: string, ignoreCase: boolean): HeaderMatcher {
  if (value === '*') {
    return create(HeaderMatcherSchema, {
      name,
      headerMatchSpecifier: { case: 'presentMatch', value: true },
    });
  }
  const m = value.startsWith('*')
    ? suffixMatcher(value.slice(1), ignoreCase)
    : value.endsWith('*')
      ? prefixMatcher(value.slice(0, -1), ignoreCase)
      : exactMatcher(value, ignoreCase);
  return create(HeaderMatcherSchema, {
    name,
    headerMatchSpecifier: { case: 'stringMatch', value: m },
  });
}

/** Request headers and `:method`: case-sensitive. */
export function headerMatcher(name: string, value: string): HeaderMatcher {
  return wildcardHeader(name, value, false);
}

/** `:authority`: host names compare case-insensitively. */
export function hostMatcher(name: string, value: string): HeaderMatcher {
  return wildcardHeader(name, value, true);
}

/** `url_path` (the path without query string). */
export function pathMatcher(value: string): PathMatcher {
  return create(PathMatcherSchema, {
    rule: { case: 'path', value: stringMatcherWithPrefix(value) },
  });
}
