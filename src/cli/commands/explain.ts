// `mini-istiod explain <pod>.<ns> http://host:port/path -H k:v [-X METHOD]`: traces one request
// through that proxy's config as Envoy (or gRPC) would handle it, step by step: listener →
// filter chain → route configuration → virtual host → route (and why each earlier route did not
// match) → cluster or weighted clusters → endpoints, naming the Istio resource behind each step
// from istiod's `istio.config` metadata. Reads the server's config dump, or `-f dump.json`
// offline; the walk itself is the shared traffic simulator (src/translate/simulate/).
import type { Command } from 'commander';
import { isIP } from 'node:net';
import type { Cluster } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { clusterEndpointAddresses } from '../../translate/simulate/cluster-endpoints.js';
import {
  simulateTraffic,
  type TrafficRequest,
  type TrafficResult,
} from '../../translate/simulate/traffic.js';
import type { ProxyResources } from '../../translate/types.js';
import { colourEnabled, paint } from '../format/colour.js';
import { configRefOf, istioMetadata, shortRef } from '../format/istio-config-ref.js';
import { emit, fail, guarded, ok, type CommandResult } from '../format/output.js';
import { clusterType, matchText } from '../format/proxy-config-tables.js';
import { DEFAULT_SERVER, getJson } from '../remote/debug-api.js';
import { loadConfigDump } from '../remote/config-dump.js';

export interface ExplainOptions {
  server?: string;
  file?: string;
  header?: string[];
  method?: string;
  output?: string;
  colour?: boolean;
}

export interface ExplainStep {
  step: string;
  name: string;
  detail?: string;
  /** `Kind name.namespace` of the Istio resource behind this step. */
  istio?: string;
  /** Earlier routes and why they did not match (route step only). */
  skipped?: string[];
}

export interface Explanation {
  request: { method: string; url: string; authority: string; headers: Record<string, string> };
  steps: ExplainStep[];
  outcome: string;
  /** The cluster(s) traffic goes to, with weights for weighted clusters. */
  clusters: { name: string; weight?: number; destinationRule?: string; endpoints: string[] }[];
  httpStatus?: number;
  reason?: string;
}

export function parseHeaders(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(':');
    if (i <= 0) throw new Error(`header ${JSON.stringify(h)}: expected name:value`);
    out[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return out;
}

const refText = (kind: string, md: Parameters<typeof configRefOf>[0]): string | undefined => {
  const ref = configRefOf(md);
  return ref ? `${ref.kind || kind} ${shortRef(ref)}` : undefined;
};

/** Builds the explanation from the simulator's result. */
export function explain(
  res: ProxyResources,
  req: TrafficRequest,
  display: Explanation['request'],
): Explanation {
  const r: TrafficResult = simulateTraffic(res, req);
  const steps: ExplainStep[] = [];
  if (r.listener) {
    const l = r.listener;
    steps.push({
      step: 'listener',
      name: l.name,
      detail: l.apiListener
        ? 'API listener: the gRPC dial target'
        : req.destinationIp
          ? `original destination ${req.destinationIp}:${req.port}`
          : `port ${req.port}`,
    });
  }
  if (r.filterChain) {
    const fc = r.filterChain;
    const idx = r.listener?.filterChains.indexOf(fc) ?? -1;
    const match = fc.filterChainMatch;
    const what = [
      match?.destinationPort !== undefined ? `destination port ${match.destinationPort}` : '',
      match?.transportProtocol ? `transport ${match.transportProtocol}` : '',
      match?.applicationProtocols.length ? `ALPN ${match.applicationProtocols.join(',')}` : '',
      match?.serverNames.length ? `SNI ${match.serverNames.join(',')}` : '',
    ].filter((s) => s !== '');
    steps.push({
      step: 'filter chain',
      name: fc.name || (idx >= 0 ? `#${idx}` : 'default'),
      detail: what.length ? `matched on ${what.join(', ')}` : 'catch-all chain',
    });
  }
  if (r.routeConfig) {
    steps.push({
      step: 'route config',
      name: r.routeConfig.name || '(inline)',
      detail: r.rdsName !== undefined ? 'from RDS' : 'inline in the listener',
    });
  }
  if (r.virtualHost) {
    const vh = r.virtualHost;
    const hit = vh.domains.find((d) => d.toLowerCase() === display.authority.toLowerCase());
    steps.push({
      step: 'virtual host',
      name: vh.name,
      detail: hit
        ? `domain ${hit}`
        : `domains ${vh.domains.slice(0, 3).join(', ')}${vh.domains.length > 3 ? ', ...' : ''}`,
      istio: refText('VirtualService', vh.metadata),
    });
  }
  if (r.route) {
    const index = r.http?.routeIndex ?? 0;
    steps.push({
      step: 'route',
      name: `#${index}${r.route.name ? ` ${r.route.name}` : ''}`,
      detail: `match ${matchText(r.route.match)}`,
      istio: refText('VirtualService', r.route.metadata),
      skipped: (r.http?.skipped ?? []).map(
        (s) => `#${s.index}${s.name ? ` ${s.name}` : ''}: ${s.reason}`,
      ),
    });
  } else if (r.http && r.http.skipped.length > 0) {
    steps.push({
      step: 'route',
      name: '(none)',
      detail: r.http.noMatchReason,
      skipped: r.http.skipped.map((s) => `#${s.index}${s.name ? ` ${s.name}` : ''}: ${s.reason}`),
    });
  }
  const total = r.clusters.reduce((s, c) => s + (c.weight ?? 0), 0);
  const clusters = r.clusters.map((c) => {
    const cluster: Cluster | undefined = res.clusters.find((x) => x.name === c.name);
    const dr = configRefOf(cluster?.metadata);
    return {
      name: c.name,
      weight:
        c.weight === undefined ? undefined : total > 0 ? Math.round((c.weight * 100) / total) : 0,
      destinationRule: dr ? shortRef(dr) : undefined,
      endpoints: clusterEndpointAddresses(res, c.name),
    };
  });
  for (const c of clusters) {
    const cluster = res.clusters.find((x) => x.name === c.name);
    const subset = istioMetadata(cluster?.metadata, 'subset');
    steps.push({
      step: 'cluster',
      name: c.name,
      detail: [
        c.weight !== undefined ? `weight ${c.weight}%` : '',
        cluster ? `type ${clusterType(cluster)}` : 'not in CDS',
        typeof subset === 'string' ? `subset ${subset}` : '',
      ]
        .filter((s) => s !== '')
        .join(', '),
      istio: c.destinationRule ? `DestinationRule ${c.destinationRule}` : undefined,
    });
    steps.push({
      step: 'endpoints',
      name: c.endpoints.length ? c.endpoints.join(', ') : '(none)',
      detail: `${c.endpoints.length} endpoint(s) of ${c.name}`,
    });
  }
  return {
    request: display,
    steps,
    outcome: r.outcome,
    clusters,
    httpStatus: r.httpStatus,
    reason: r.reason,
  };
}

export function renderExplanation(e: Explanation, colour = false): string {
  const out: string[] = [];
  const hdrs = Object.entries(e.request.headers).map(([k, v]) => `${k}: ${v}`);
  out.push(`${e.request.method} ${e.request.url}${hdrs.length ? `  [${hdrs.join('; ')}]` : ''}`);
  const width = Math.max(...e.steps.map((s) => s.step.length), 0);
  e.steps.forEach((s, i) => {
    out.push(
      `${String(i + 1).padStart(2)}. ${paint(s.step.padEnd(width), 'bold', colour)}  ${s.name}` +
        `${s.detail ? `  (${s.detail})` : ''}${s.istio ? `  ← ${paint(s.istio, 'cyan', colour)}` : ''}`,
    );
    for (const k of s.skipped ?? []) out.push(`    ${' '.repeat(width)}  skipped ${k}`);
  });
  const result =
    e.outcome === 'route' || e.outcome === 'tcp_proxy'
      ? `${e.outcome === 'route' ? 'routed' : 'proxied'} to ${e.clusters
          .map((c) => (c.weight !== undefined ? `${c.name} (${c.weight}%)` : c.name))
          .join(', ')}`
      : `${e.outcome}${e.httpStatus ? ` ${e.httpStatus}` : ''}${e.reason ? `: ${e.reason}` : ''}`;
  out.push(`Result: ${paint(result, e.outcome === 'route' ? 'green' : 'yellow', colour)}`);
  return `${out.join('\n')}\n`;
}

interface RegistryService {
  hostname: string;
  addresses: string[];
}

/** A sidecar's TCP listeners are per VIP: ask the registry which VIP the host names (online). */
async function vipOf(server: string, host: string): Promise<string | undefined> {
  const list = (await getJson(server, '/debug/registryz')) as RegistryService[];
  const h = host.toLowerCase();
  const svc = list.find((s) => s.hostname === h || s.hostname.startsWith(`${h}.`));
  return svc?.addresses[0];
}

export async function runExplain(
  proxy: string,
  target: string,
  opts: ExplainOptions = {},
): Promise<CommandResult> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return fail(`${JSON.stringify(target)} is not a URL like http://reviews:9080/path`, 2);
  }
  return guarded(async () => {
    const headers = parseHeaders(opts.header ?? []);
    const { resources } = await loadConfigDump({ file: opts.file, server: opts.server, proxy });
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const authority = `${host}:${port}`;
    const method = (opts.method ?? 'GET').toUpperCase();
    const req: TrafficRequest = {
      port,
      authority,
      path: `${url.pathname}${url.search}`,
      method,
      headers,
      protocol: 'http',
    };
    if (resources.listeners.some((l) => l.apiListener && l.name === authority)) {
      req.xdsTarget = authority;
    } else if (isIP(host)) {
      req.destinationIp = host;
    } else if (!opts.file) {
      req.destinationIp = await vipOf(opts.server ?? DEFAULT_SERVER, host);
    }
    const e = explain(resources, req, { method, url: url.toString(), authority, headers });
    if (opts.output === 'json') return ok(`${JSON.stringify(e, null, 2)}\n`);
    return ok(renderExplanation(e, opts.colour ?? colourEnabled()));
  });
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerExplain(program: Command): void {
  program
    .command('explain <proxy> <url>')
    .description(
      "Trace one request through a proxy's config: listener → filter chain → route config → virtual host → route → cluster → endpoints, naming the Istio resource behind each step",
    )
    .option('--server <url>', 'debug address of a running mini-istiod', DEFAULT_SERVER)
    .option('-f, --file <path>', 'read an Envoy config dump (JSON) instead of asking the server')
    .option('-H, --header <name:value>', 'request header (repeatable)', collect, [])
    .option('-X, --method <method>', 'request method', 'GET')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (proxy: string, url: string, opts: ExplainOptions) => {
      emit(await runExplain(proxy, url, opts));
    });
}
