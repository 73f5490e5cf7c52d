// Istio wildcard values (`*`, `prefix*`, `*suffix`) → Envoy StringMatchers.
import { StringMatcherSchema } from '../../../gen/envoy/type/matcher/v3/string_pb.js';
import { HeaderMatcherSchema } from '../../../gen/envoy/config/route/v3/route_components_pb.js';
import { toEnvoyJson } from '../../../proto/envoy-json.js';
import {
  headerMatcher,
  hostMatcher,
  quoteMeta,
  stringMatcherWithPrefix,
} from '../string-matchers.js';

const sm = (v: string, prefix?: string) =>
  toEnvoyJson(StringMatcherSchema, stringMatcherWithPrefix(v, prefix));

describe('Istio wildcard values as Envoy matchers', () => {
  it('maps exact, prefix*, *suffix and * without a prefix', () => {
    expect(sm('abc')).toEqual({ exact: 'abc' });
    expect(sm('abc*')).toEqual({ prefix: 'abc' });
    expect(sm('*abc')).toEqual({ suffix: 'abc' });
    expect(sm('*')).toEqual({ safe_regex: { regex: '.+' } });
  });

  it('glues the spiffe:// prefix in, with a regex for *suffix and .+ for *', () => {
    expect(sm('cluster.local/ns/a/sa/b', 'spiffe://')).toEqual({
      exact: 'spiffe://cluster.local/ns/a/sa/b',
    });
    expect(sm('cluster.local/*', 'spiffe://')).toEqual({ prefix: 'spiffe://cluster.local/' });
    expect(sm('*-suffix-principal', 'spiffe://')).toEqual({
      safe_regex: { regex: 'spiffe://.*-suffix-principal' },
    });
    expect(sm('*', 'spiffe://')).toEqual({ safe_regex: { regex: '.+' } });
  });

  it('quotes RE2 metacharacters like Go regexp.QuoteMeta', () => {
    expect(quoteMeta('a.b*c+(d)|[e]{f}^$?\\')).toBe(
      'a\\.b\\*c\\+\\(d\\)\\|\\[e\\]\\{f\\}\\^\\$\\?\\\\',
    );
    expect(quoteMeta('bookinfo-ns')).toBe('bookinfo-ns');
  });

  it('uses present_match for * headers and ignore_case only for hosts', () => {
    expect(toEnvoyJson(HeaderMatcherSchema, headerMatcher('x-user', '*'))).toEqual({
      name: 'x-user',
      present_match: true,
    });
    expect(toEnvoyJson(HeaderMatcherSchema, headerMatcher(':method', 'GE*'))).toEqual({
      name: ':method',
      string_match: { prefix: 'GE' },
    });
    expect(toEnvoyJson(HeaderMatcherSchema, hostMatcher(':authority', '*.example.com'))).toEqual({
      name: ':authority',
      string_match: { suffix: '.example.com', ignore_case: true },
    });
  });
});
