// VirtualService rules the CRD schema cannot express (istio pkg/config/validation: virtualservice.go
// and ValidateVirtualService): hosts, route conflicts, weights, regexes, durations, faults, retries.
import type {
  Destination,
  Headers,
  HTTPRoute,
  StringMatch,
  VirtualServiceSpec,
} from '../../istio-types.js';
import * as c from './checks.js';
import { Issues } from './issue.js';

const RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

export function validateVirtualService(spec: VirtualServiceSpec, _namespace: string): Issues {
  const is = new Issues();
  const hosts = spec.hosts ?? [];
  const gateways = spec.gateways ?? [];
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
  if (hosts.length === 0) {
    if (gateways.length)
      is.err('spec.gateways', 'delegate virtual service must have no gateways specified');
    if (spec.tls?.length)
      is.err('spec.tls', 'delegate virtual service must have no tls route specified');
    if (spec.tcp?.length)
      is.err('spec.tcp', 'delegate virtual service must have no tcp route specified');
  }
  gateways.forEach((g, i) => gatewayName(is, `spec.gateways[${i}]`, g));
  hosts.forEach((h, i) => {
    const bad = c.wildcardDomain(h);
    if (bad && !c.isIpAddress(h)) is.err(`spec.hosts[${i}]`, bad);
    else if (!bad && appliesToMesh && h === '*') {
      is.err(
        `spec.hosts[${i}]`,
        'wildcard host * is not allowed for virtual services bound to the mesh gateway',
      );
    }
  });
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      if (hostsOverlap(hosts[i], hosts[j])) {
        is.err(`spec.hosts[${j}]`, `duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`);
      }
    }
  }
  if (!spec.http?.length && !spec.tcp?.length && !spec.tls?.length) {
    is.err('spec', 'http, tcp or tls must be provided in virtual service');
  }
  spec.http?.forEach((r, i) => httpRoute(is, `spec.http[${i}]`, r, hosts.length === 0));
  spec.tcp?.forEach((r, i) => {
    r.match?.forEach(
      (m, j) => m.port !== undefined && is.check(`spec.tcp[${i}].match[${j}].port`, c.port(m.port)),
    );
    r.route?.forEach((d, j) =>
      destination(is, `spec.tcp[${i}].route[${j}].destination`, d.destination),
    );
    routeWeights(is, `spec.tcp[${i}].route`, r.route);
  });
  spec.tls?.forEach((r, i) => {
    if (!r.match?.length)
      is.err(`spec.tls[${i}].match`, 'TLS route must have at least one match condition');
    r.match?.forEach((m, j) => {
      if (!m.sniHosts?.length)
        is.err(`spec.tls[${i}].match[${j}].sniHosts`, 'TLS match must have at least one SNI host');
      m.sniHosts?.forEach((h, k) =>
        is.check(`spec.tls[${i}].match[${j}].sniHosts[${k}]`, c.wildcardDomain(h)),
      );
    });
    r.route?.forEach((d, j) =>
      destination(is, `spec.tls[${i}].route[${j}].destination`, d.destination),
    );
    routeWeights(is, `spec.tls[${i}].route`, r.route);
  });
  return is;
}

/** Istio's host.Name.Matches: equal, or one wildcard covers the other. */
function hostsOverlap(a: string, b: string): boolean {
  const covers = (w: string, h: string): boolean =>
    w === '*' || (w.startsWith('*') && h.endsWith(w.slice(1)));
  return a === b || covers(a, b) || covers(b, a);
}

function gatewayName(is: Issues, field: string, name: string): void {
  const slash = name.indexOf('/');
  if (slash < 0) {
    is.check(field, c.fqdn(name));
    return;
  }
  const ns = name.slice(0, slash);
  const gw = name.slice(slash + 1);
  if (!ns || !gw) is.err(field, 'config namespace and gateway name cannot be empty');
  else {
    if (!c.isDns1123Label(ns)) is.err(field, `invalid value for namespace: "${ns}"`);
    if (!c.isDns1123Label(gw)) is.err(field, `invalid value for gateway name: "${gw}"`);
  }
}

function httpRoute(is: Issues, p: string, r: HTTPRoute, delegate: boolean): void {
  conflicts(is, p, r, delegate);
  r.match?.forEach((m, i) => {
    const mp = `${p}.match[${i}]`;
    for (const [name, sm] of Object.entries(m.headers ?? {})) {
      is.check(`${mp}.headers[${JSON.stringify(name)}]`, c.matchHeaderName(name));
      stringMatch(is, `${mp}.headers[${JSON.stringify(name)}]`, sm, false);
    }
    for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
      is.check(`${mp}.withoutHeaders[${JSON.stringify(name)}]`, c.matchHeaderName(name));
      if (sm?.regex !== '*')
        stringMatch(is, `${mp}.withoutHeaders[${JSON.stringify(name)}]`, sm, false);
    }
    stringMatch(is, `${mp}.uri`, m.uri, true);
    stringMatch(is, `${mp}.scheme`, m.scheme, false);
    stringMatch(is, `${mp}.method`, m.method, false);
    stringMatch(is, `${mp}.authority`, m.authority, false);
    for (const [name, sm] of Object.entries(m.queryParams ?? {})) {
      stringMatch(is, `${mp}.queryParams[${JSON.stringify(name)}]`, sm, false);
    }
    if (m.port) is.check(`${mp}.port`, c.port(m.port));
    c.labelsInvalid(m.sourceLabels).forEach((e) => is.err(`${mp}.sourceLabels`, e));
    m.gateways?.forEach((g, j) => gatewayName(is, `${mp}.gateways[${j}]`, g));
    if (m.sourceNamespace && !c.isDns1123Label(m.sourceNamespace)) {
      is.err(`${mp}.sourceNamespace`, `sourceNamespace match ${m.sourceNamespace} is invalid`);
    }
  });
  headerOps(is, `${p}.headers`, r.headers);
  if (r.fault) {
    const f = r.fault;
    if (!f.abort && !f.delay)
      is.err(`${p}.fault`, 'HTTP fault injection must have an abort and/or a delay');
    if (f.abort?.percentage?.value !== undefined) {
      is.check(`${p}.fault.abort.percentage.value`, c.percentage(f.abort.percentage.value));
    }
    if (
      f.abort?.httpStatus !== undefined &&
      (f.abort.httpStatus < 200 || f.abort.httpStatus > 599)
    ) {
      is.err(
        `${p}.fault.abort.httpStatus`,
        `HTTP status ${f.abort.httpStatus} is not in range 200-599`,
      );
    }
    if (f.abort?.http2Error !== undefined) {
      is.err(`${p}.fault.abort.http2Error`, 'HTTP/2 abort fault injection not supported yet');
    }
    if (f.abort && f.abort.httpStatus === undefined && !f.abort.grpcStatus && !f.abort.http2Error) {
      is.warn(`${p}.fault.abort`, 'abort configured, but error type not set');
    }
    if (f.delay?.percentage?.value !== undefined) {
      is.check(`${p}.fault.delay.percentage.value`, c.percentage(f.delay.percentage.value));
    }
    if (f.delay?.percent !== undefined && (f.delay.percent < 0 || f.delay.percent > 100)) {
      is.err(`${p}.fault.delay.percent`, `percentage ${f.delay.percent} is not in range 0..100`);
    }
    if (f.delay?.fixedDelay)
      is.check(`${p}.fault.delay.fixedDelay`, c.routeDuration(f.delay.fixedDelay));
  }
  if (r.mirrorPercent !== undefined) {
    if (r.mirrorPercent > 100)
      is.err(
        `${p}.mirrorPercent`,
        `mirror_percent must have a max value of 100 (it has ${r.mirrorPercent})`,
      );
    is.warn(
      `${p}.mirrorPercent`,
      'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead',
    );
  }
  const mp = r.mirrorPercentage?.value;
  if (mp !== undefined && (mp > 100 || mp < 0)) {
    is.err(
      `${p}.mirrorPercentage.value`,
      `mirror_percentage must be in range 0..100 (it has ${mp})`,
    );
  }
  if (r.mirror) destination(is, `${p}.mirror`, r.mirror);
  r.mirrors?.forEach((m, i) => {
    destination(is, `${p}.mirrors[${i}].destination`, m.destination);
    const v = m.percentage?.value;
    if (v !== undefined && (v > 100 || v < 0)) {
      is.err(
        `${p}.mirrors[${i}].percentage.value`,
        `mirror percentage must be in range 0..100 (it has ${v})`,
      );
    }
  });
  if (r.redirect) redirect(is, `${p}.redirect`, r);
  if (r.directResponse) {
    const s = r.directResponse.status;
    if (s < 200 || s > 599)
      is.err(`${p}.directResponse.status`, `HTTP status ${s} is not in range 200-599`);
  }
  if (r.retries) {
    const rt = r.retries;
    const attempts = rt.attempts ?? 0;
    if (attempts < 0) is.err(`${p}.retries.attempts`, 'attempts cannot be negative');
    if (
      attempts === 0 &&
      (rt.perTryTimeout || rt.retryOn || rt.retryRemoteLocalities !== undefined)
    ) {
      is.err(`${p}.retries`, 'http retry policy configured when attempts are set to 0 (disabled)');
    }
    if (rt.perTryTimeout) is.check(`${p}.retries.perTryTimeout`, c.routeDuration(rt.perTryTimeout));
    rt.retryOn?.split(',').forEach((policy) => {
      const code = Number(policy);
      const isStatus = /^\d+$/.test(policy) && code >= 100 && code <= 599;
      if (!isStatus && !RETRY_ON.has(policy)) {
        is.err(`${p}.retries.retryOn`, `"${policy}" is not a valid retryOn policy`);
      }
    });
  }
  if (r.rewrite) {
    const rw = r.rewrite;
    if (rw.uri && rw.uriRegexRewrite)
      is.err(`${p}.rewrite`, 'rewrite may only contain one of URI or UriRegexRewrite');
    if (!rw.uri && !rw.uriRegexRewrite && !rw.authority) {
      is.err(
        `${p}.rewrite`,
        'rewrite must specify at least one of URI, UriRegexRewrite, or authority',
      );
    }
    if (rw.uriRegexRewrite) {
      if (!rw.uriRegexRewrite.match || !rw.uriRegexRewrite.rewrite) {
        is.err(
          `${p}.rewrite.uriRegexRewrite`,
          'UriRegexRewrite requires both Rewrite and Match fields to be specified',
        );
      } else {
        is.check(`${p}.rewrite.uriRegexRewrite.match`, c.re2Regex(rw.uriRegexRewrite.match));
      }
    }
  }
  r.route?.forEach((d, i) => {
    destination(is, `${p}.route[${i}].destination`, d.destination);
    headerOps(is, `${p}.route[${i}].headers`, d.headers);
  });
  routeWeights(is, `${p}.route`, r.route);
  if (r.timeout) is.check(`${p}.timeout`, c.routeDuration(r.timeout));
}

function conflicts(is: Issues, p: string, r: HTTPRoute, delegate: boolean): void {
  if (r.delegate) {
    if (delegate) is.err(`${p}.delegate`, 'delegate HTTP route cannot contain delegate');
    if (r.route?.length)
      is.err(p, `root HTTP route ${r.name ?? ''} must not specify route`.replace('  ', ' '));
    if (r.redirect)
      is.err(p, `root HTTP route ${r.name ?? ''} must not specify redirect`.replace('  ', ' '));
    return;
  }
  const hasRoute = (r.route?.length ?? 0) > 0;
  if (r.redirect) {
    if (hasRoute) is.err(p, 'HTTP route cannot contain both route and redirect');
    if (r.fault) is.err(p, 'HTTP route cannot contain both fault and redirect');
    if (r.rewrite) is.err(p, 'HTTP route rule cannot contain both rewrite and redirect');
    if (r.directResponse)
      is.err(p, 'HTTP route rule cannot contain both direct_response and redirect');
  }
  if (r.directResponse) {
    if (hasRoute) is.err(p, 'HTTP route cannot contain both route and direct_response');
    if (r.fault) is.err(p, 'HTTP route cannot contain both fault and direct_response');
    if (r.rewrite) is.err(p, 'HTTP route rule cannot contain both rewrite and direct_response');
  }
  if (!hasRoute && !r.redirect && !r.directResponse) {
    is.err(p, 'HTTP route, redirect or direct_response is required');
  }
  if (r.mirror && r.mirrors?.length) is.err(p, 'HTTP route cannot contain both mirror and mirrors');
}

function redirect(is: Issues, p: string, r: HTTPRoute): void {
  const rd = r.redirect ?? {};
  const prefixRewrite = (rd as { prefixRewrite?: string }).prefixRewrite;
  if (rd.uri && prefixRewrite) is.err(p, 'redirect may only specify one of uri or prefix_rewrite');
  if (
    !rd.uri &&
    !prefixRewrite &&
    !rd.authority &&
    rd.port === undefined &&
    !rd.derivePort &&
    !rd.scheme
  ) {
    is.err(p, 'redirect must specify URI, authority, scheme, or port');
  }
  if (rd.redirectCode && (rd.redirectCode < 300 || rd.redirectCode > 399)) {
    is.err(`${p}.redirectCode`, `${rd.redirectCode} is not a valid redirect code, must be 3xx`);
  }
  if (rd.scheme && rd.scheme !== 'http' && rd.scheme !== 'https') {
    is.err(`${p}.scheme`, 'invalid redirect scheme, must be "http" or "https"');
  }
  if (rd.port) is.check(`${p}.port`, c.port(rd.port));
}

function stringMatch(
  is: Issues,
  p: string,
  sm: StringMatch | undefined,
  emptyPrefixOk: boolean,
): void {
  if (!sm) return;
  if (sm.prefix === '' && !emptyPrefixOk)
    is.err(`${p}.prefix`, 'prefix string match should not be empty');
  if (sm.regex !== undefined) {
    if (sm.regex === '') is.err(`${p}.regex`, 'regex string match should not be empty');
    else is.check(`${p}.regex`, c.re2Regex(sm.regex));
  }
}

function headerOps(is: Issues, p: string, h: Headers | undefined): void {
  for (const [dir, ops] of [
    ['request', h?.request],
    ['response', h?.response],
  ] as const) {
    const nameCheck = dir === 'request' ? c.settableRequestHeader : c.operationHeader;
    for (const op of ['set', 'add'] as const) {
      for (const [name, value] of Object.entries(ops?.[op] ?? {})) {
        const f = `${p}.${dir}.${op}[${JSON.stringify(name)}]`;
        is.check(f, nameCheck(name));
        is.check(f, c.headerValue(value));
      }
    }
    ops?.remove?.forEach((name, i) =>
      is.check(`${p}.${dir}.remove[${i}]`, c.operationHeader(name)),
    );
  }
}

export function destination(is: Issues, p: string, d: Destination | undefined): void {
  if (!d) return;
  if (d.host === '*') is.err(`${p}.host`, `invalid destination host ${d.host}`);
  else is.check(`${p}.host`, c.wildcardDomain(d.host));
  if (d.subset !== undefined && !c.isDns1123Label(d.subset)) {
    is.err(
      `${p}.subset`,
      d.subset === '' ? 'subset name cannot be empty' : `subset name is invalid: ${d.subset}`,
    );
  }
  if (d.port?.number !== undefined) is.check(`${p}.port.number`, c.port(d.port.number));
}

function routeWeights(
  is: Issues,
  p: string,
  route: { destination: Destination; weight?: number }[] | undefined,
): void {
  if (!route) return;
  let total = 0;
  route.forEach((d, i) => {
    const w = d.weight ?? 0;
    if (w < 0) is.err(`${p}[${i}].weight`, `weight ${w} < 0`);
    total += w;
  });
  if (route.length > 1 && total === 0) is.err(p, 'total destination weight = 0');
}
