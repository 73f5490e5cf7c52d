// The string formats PGV knows by name. These follow the semantics of PGV's Go validators
// (hostname labels per RFC 1034, email per RFC 5322 addr-spec with a hostname domain, IPs as
// Go's net.ParseIP accepts them, uri absolute / uri_ref relative-or-absolute).
/* eslint-disable no-control-regex -- PGV's patterns are defined by the control characters they exclude. */
import { isIP, isIPv4, isIPv6 } from 'node:net';

const LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const URI_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
// Characters Go's url.Parse refuses anywhere: ASCII controls and a space inside an authority;
// plus malformed percent escapes.
const URI_FORBIDDEN = /[\u0000-\u001f\u007f ]|%(?![0-9a-fA-F]{2})/;

export function isHostname(value: string): boolean {
  const host = value.endsWith('.') ? value.slice(0, -1) : value;
  if (host.length === 0 || host.length > 253) return false;
  return host.split('.').every((label) => label.length <= 63 && LABEL.test(label));
}

export function isEmail(value: string): boolean {
  let addr = value;
  // "Name <user@host>" is accepted by Go's mail.ParseAddress; only the address is checked.
  const angle = /<([^<>]*)>\s*$/.exec(addr);
  if (angle) addr = angle[1] ?? '';
  if (addr.length > 254) return false;
  const at = addr.lastIndexOf('@');
  if (at <= 0) return false;
  const local = addr.slice(0, at);
  if (local.length > 64 || /[\s@<>()[\]\\,;:"]/.test(local)) return false;
  return isHostname(addr.slice(at + 1));
}

export const isIp = (value: string): boolean => isIP(value) !== 0;
export const isIpv4 = (value: string): boolean => isIPv4(value);
export const isIpv6 = (value: string): boolean => isIPv6(value) && !value.includes('%');
export const isAddress = (value: string): boolean => isIp(value) || isHostname(value);
export const isUuid = (value: string): boolean => UUID.test(value);

export function isUriRef(value: string): boolean {
  return !URI_FORBIDDEN.test(value);
}

export function isUri(value: string): boolean {
  if (!URI_SCHEME.test(value) || !isUriRef(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** PGV's well_known_regex patterns; `strict: false` relaxes both to "no NUL, CR or LF". */
export const HEADER_NAME_STRICT = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
export const HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
export const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;
