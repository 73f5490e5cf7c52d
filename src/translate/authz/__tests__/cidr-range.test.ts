// AuthorizationPolicy ipBlocks → Envoy CidrRange.
import { CidrRangeSchema } from '../../../gen/envoy/config/core/v3/address_pb.js';
import { toEnvoyJson } from '../../../proto/envoy-json.js';
import { AuthzRuleError } from '../authz-rule-error.js';
import { cidrRange } from '../cidr-range.js';

const cidr = (v: string) => toEnvoyJson(CidrRangeSchema, cidrRange(v));

describe('cidrRange', () => {
  it('makes a single IPv4 address a /32 and keeps CIDR prefixes as written', () => {
    expect(cidr('10.0.0.1')).toEqual({ address_prefix: '10.0.0.1', prefix_len: 32 });
    expect(cidr('5.6.0.0/16')).toEqual({ address_prefix: '5.6.0.0', prefix_len: 16 });
  });

  it('compresses IPv6 and makes a single address a /128', () => {
    expect(cidr('2001:db8:0:0:0:0:0:1')).toEqual({
      address_prefix: '2001:db8::1',
      prefix_len: 128,
    });
    expect(cidr('fd00::/8')).toEqual({ address_prefix: 'fd00::', prefix_len: 8 });
  });

  it('rejects names, bad prefixes and empty values with a rule error', () => {
    expect(() => cidrRange('example.com')).toThrow(AuthzRuleError);
    expect(() => cidrRange('10.0.0.0/33')).toThrow(AuthzRuleError);
    expect(() => cidrRange('')).toThrow(AuthzRuleError);
  });
});
