// `ipBlocks` / `remoteIpBlocks` / `source.ip` / `destination.ip` values: a single IP (a /32 or
// /128) or a CIDR, as Envoy's CidrRange. The prefix address is kept as written (not masked),
// IPv6 in its compressed form, as istiod renders it.
import { create } from '@bufbuild/protobuf';
import { isIP } from 'node:net';
import { CidrRangeSchema, type CidrRange } from '../../gen/envoy/config/core/v3/address_pb.js';
import { AuthzRuleError } from './authz-rule-error.js';

function canonicalIp(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family === 6) return new URL(`http://[${ip}]`).hostname.slice(1, -1);
  return undefined;
}

export function cidrRange(value: string): CidrRange {
  const slash = value.indexOf('/');
  const ip = slash < 0 ? value : value.slice(0, slash);
  const addressPrefix = canonicalIp(ip);
  if (addressPrefix === undefined) throw new AuthzRuleError(`invalid IP address ${value}`);
  const bits = addressPrefix.includes(':') ? 128 : 32;
  let prefixLen = bits;
  if (slash >= 0) {
    const text = value.slice(slash + 1);
    prefixLen = Number(text);
    if (!/^\d+$/.test(text) || prefixLen > bits) {
      throw new AuthzRuleError(`invalid CIDR prefix length in ${value}`);
    }
  }
  return create(CidrRangeSchema, { addressPrefix, prefixLen });
}
