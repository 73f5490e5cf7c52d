// Istio's value checks shared by the per-kind rules (pkg/config/validation in istio/istio).
// Each returns undefined when the value is valid, otherwise the reason.
import { RE2 } from 're2-wasm';
import { isIP } from 'node:net';
import { NANOS_PER_MS, parseDuration } from '../duration.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const WILDCARD_LABEL = /^(\*|\*?[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** DNS-1123 subdomain, as Kubernetes requires of most object names. */
export function isDns1123Subdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every(isDns1123Label);
}

function preconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name "${name}" too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

function dnsLabels(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1];
  if (/^[+-]?\d+$/.test(tld)) {
    return `domain name "${domain}" invalid (top level domain "${tld}" cannot be all-numeric)`;
  }
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '') return undefined; // trailing dot: `istio.io.`
    if (!isDns1123Label(parts[i]))
      return `domain name "${domain}" invalid (label "${parts[i]}" invalid)`;
  }
  return undefined;
}

/** A host name, where only the leftmost label may be (or start with) `*`. Short names are fine. */
export function wildcardDomain(domain: string): string | undefined {
  const pre = preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (first.length > 63 || !WILDCARD_LABEL.test(first)) {
    return `domain name "${domain}" invalid (label "${first}" invalid)`;
  }
  return dot < 0 ? undefined : dnsLabels(domain.slice(dot + 1));
}

export function fqdn(name: string): string | undefined {
  return preconditions(name) ?? dnsLabels(name);
}

export function isIpAddress(s: string): boolean {
  return isIP(s) !== 0;
}

export function ipSubnet(s: string): string | undefined {
  const [ip, bits, extra] = s.split('/');
  if (extra !== undefined) return `"${s}" is not a valid IP address or CIDR`;
  const family = isIP(ip);
  if (family === 0) return `"${s}" is not a valid IP address or CIDR`;
  if (bits === undefined) return undefined;
  const n = Number(bits);
  const max = family === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && n <= max ? undefined : `"${s}" is not a valid CIDR`;
}

export function port(n: number): string | undefined {
  return Number.isInteger(n) && n >= 1 && n <= 65535
    ? undefined
    : `port number ${n} must be in the range 1..65535`;
}

/** `ns/host` form used by Gateway servers (isGateway) and Sidecar egress hosts. */
export function namespaceSlashHost(hostname: string, isGateway: boolean): string[] {
  const errs: string[] = [];
  const slash = hostname.indexOf('/');
  if (slash < 0) {
    if (!isGateway) return ['host must be of form namespace/dnsName'];
    return hostPart(hostname, true);
  }
  const ns = hostname.slice(0, slash);
  const host = hostname.slice(slash + 1);
  if (ns === '' || host === '')
    errs.push('config namespace and dnsName in host entry cannot be empty');
  if (!isGateway) {
    const bare = ns.replace(/^~/, '');
    if (bare !== '' && bare !== '*' && bare !== '.' && !isDns1123Label(bare)) {
      errs.push(`invalid namespace value "${ns}" in sidecar`);
    }
  } else if (ns !== '*' && ns !== '.' && !isDns1123Label(ns)) {
    errs.push(`invalid namespace value "${ns}" in gateway`);
  }
  return [...errs, ...hostPart(host, isGateway)];
}

function hostPart(hostname: string, isGateway: boolean): string[] {
  const errs: string[] = [];
  if (hostname !== '*' && !hostname.includes('.'))
    errs.push('short names (non FQDN) are not allowed');
  const bad = wildcardDomain(hostname);
  if (bad && !(isGateway && isIpAddress(hostname))) errs.push(bad);
  if (hostname.includes('*') && hostname.length !== 1 && !hostname.startsWith('*.')) {
    errs.push(`partial wildcard "${hostname}" not allowed`);
  }
  return errs;
}

/** Istio route durations: at least 1ms, millisecond precision. */
export function routeDuration(d: string): string | undefined {
  const ns = parseDuration(d);
  if (ns === undefined) return `invalid duration "${d}"`;
  if (ns < NANOS_PER_MS) return 'duration must be greater than 1ms';
  if (ns % NANOS_PER_MS !== 0) return 'only durations to ms precision are supported';
  return undefined;
}

/** RE2 syntax (what Envoy compiles), max 1024 characters. */
export function re2Regex(re: string): string | undefined {
  if (re.length > 1024) return 'regex is too large, max length allowed is 1024';
  try {
    new RE2(re, 'u');
    return undefined;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return `${reason}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`;
  }
}

const HEADER_NAME = /^[-!#$%&'*+.^_`|~0-9a-zA-Z]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);

/** A header name in a match: a token, a pseudo header, or `@request.auth.claims.*`. */
export function matchHeaderName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.startsWith('@request.auth.claims') || PSEUDO_HEADERS.has(name)) return undefined;
  return HEADER_NAME.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

/** A header name that may be set/added on requests (`:authority` allowed, other `:` headers not). */
export function settableRequestHeader(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.startsWith(':') && name.toLowerCase() !== ':authority') {
    return `invalid header "${name}": header cannot have ":" prefix`;
  }
  return undefined;
}

/** A header name removed from requests or changed on responses. */
export function operationHeader(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.toLowerCase() === 'host') return `invalid header "${name}": cannot set Host header`;
  if (name.startsWith(':')) return `invalid header "${name}": header cannot have ":" prefix`;
  return undefined;
}

// Control characters other than tab are not allowed in header values.
// eslint-disable-next-line no-control-regex
const HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
export function headerValue(value: string): string | undefined {
  return HEADER_VALUE.test(value) ? undefined : `header value configuration ${value} is invalid`;
}

/** Percent (double): 0, or within [0.0001, 100]. */
export function percentage(value: number): string | undefined {
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    return `percentage ${value} is neither 0.0, nor in range [0.0001, 100.0]`;
  }
  return undefined;
}

const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kubernetes label keys and values. */
export function labelsInvalid(labels: Record<string, string> | undefined): string[] {
  const errs: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const name = k.includes('/') ? k.slice(k.indexOf('/') + 1) : k;
    if (!LABEL_NAME.test(k) || name.length > 63) errs.push(`invalid tag key: ${k}`);
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      errs.push(`invalid tag value: ${String(v)}`);
    }
  }
  return errs;
}

const PROTOCOLS = new Set([
  'HTTP',
  'HTTPS',
  'HTTP2',
  'HTTP_PROXY',
  'GRPC',
  'GRPC-WEB',
  'TCP',
  'TLS',
  'MONGO',
  'REDIS',
  'MYSQL',
  'UDP',
]);

export function protocol(p: string | undefined): string | undefined {
  if (p === undefined || p === '') return 'protocol must be set';
  return PROTOCOLS.has(p.toUpperCase()) ? undefined : `unrecognized protocol "${p}"`;
}

export function isTlsProtocol(p: string | undefined): boolean {
  return ['HTTPS', 'TLS'].includes((p ?? '').toUpperCase());
}

export function isHttpProtocol(p: string | undefined): boolean {
  return ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY'].includes((p ?? '').toUpperCase());
}

export function portName(name: string): string | undefined {
  return isDns1123Label(name) ? undefined : `invalid port name: ${name}`;
}
