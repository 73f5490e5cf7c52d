// Walks one connection / request through a proxy's generated config the way Envoy does:
// listener (by original destination or bound port) → filter chain (destination_port, then SNI,
// then transport protocol, then ALPN; the most specific non-empty criterion wins at each step
// and Envoy never backtracks) → network filter: HCM → route configuration (RDS or inline) →
// virtual host → route → cluster(s) → endpoints, or tcp_proxy → cluster. The outcome names
// follow the istio-cases README.
import { anyIs, anyUnpack } from '@bufbuild/protobuf/wkt';
import type { FilterChain } from '../../gen/envoy/config/listener/v3/listener_components_pb.js';
import type { Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import type { Route, VirtualHost } from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { VirtualHost_TlsRequirementType } from '../../gen/envoy/config/route/v3/route_components_pb.js';
import type { RouteConfiguration } from '../../gen/envoy/config/route/v3/route_pb.js';
import { HTTPFaultSchema } from '../../gen/envoy/extensions/filters/http/fault/v3/fault_pb.js';
import { FractionalPercent_DenominatorType } from '../../gen/envoy/type/v3/percent_pb.js';
import {
  hcmOfFilter,
  httpConnectionManagersOf,
  tcpProxyClusters,
  tcpProxyOfFilter,
} from '../listener/inspect.js';
import {
  BLACKHOLE_CLUSTER,
  PASSTHROUGH_CLUSTER,
  VIRTUAL_INBOUND,
  VIRTUAL_OUTBOUND,
} from '../listener/well-known-names.js';
import type { ProxyResources } from '../types.js';
import { clusterEndpointAddresses } from './cluster-endpoints.js';
import { simulateHttpRoute, type HttpRouteResult } from './http-route.js';

export type TlsMode = 'none' | 'client-tls' | 'istio-mtls';

export interface TrafficRequest {
  /** Port the connection arrives on at the proxy (the original destination port). */
  port: number;
  direction?: 'outbound' | 'inbound';
  /** Original destination IP (a service VIP); selects `<vip>_<port>` listeners. */
  destinationIp?: string;
  protocol?: 'http' | 'tcp' | 'tls' | 'grpc';
  tls?: TlsMode;
  sni?: string;
  /** HTTP: Host / :authority. */
  authority?: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** Proxyless gRPC: the dial target `host:port` (names the API listener). */
  xdsTarget?: string;
}

export type TrafficOutcome =
  | 'route'
  | 'redirect'
  | 'fault_abort'
  | 'no_route'
  | 'cluster_not_found'
  | 'passthrough'
  | 'direct_response'
  | 'tcp_proxy'
  | 'rejected'
  | 'no_listener';

export interface TrafficResult {
  outcome: TrafficOutcome;
  listener?: Listener;
  filterChain?: FilterChain;
  routeConfig?: RouteConfiguration;
  /** The RDS name the HCM referenced (undefined for inline route configs). */
  rdsName?: string;
  http?: HttpRouteResult;
  virtualHost?: VirtualHost;
  route?: Route;
  /** The target cluster, or the weighted clusters in order. */
  clusters: { name: string; weight?: number }[];
  /** `ip:port` endpoints of the (first) target cluster. */
  endpoints: string[];
  httpStatus?: number;
  responseFlag?: string;
  reason?: string;
}

/** ALPN a client offers: Istio's sidecar prefixes HTTP ALPNs with `istio-`. */
function offeredAlpn(req: TrafficRequest): string[] {
  const http = req.protocol === undefined || req.protocol === 'http' || req.protocol === 'grpc';
  switch (req.tls ?? 'none') {
    case 'istio-mtls':
      return http ? ['istio-http/1.1', 'istio'] : ['istio-peer-exchange', 'istio'];
    case 'client-tls':
      return http ? ['h2', 'http/1.1'] : [];
    case 'none':
      // What http_inspector reports for plaintext HTTP/1.1.
      return http ? ['http/1.1'] : [];
  }
}

function addressOf(l: Listener): { ip: string; port: number } | undefined {
  const a = l.address?.address;
  if (a?.case !== 'socketAddress') return undefined;
  const ps = a.value.portSpecifier;
  return { ip: a.value.address, port: ps.case === 'portValue' ? ps.value : 0 };
}

function selectListener(res: ProxyResources, req: TrafficRequest): Listener | undefined {
  if (req.xdsTarget !== undefined) return res.listeners.find((l) => l.name === req.xdsTarget);
  if (req.direction === 'inbound') return res.listeners.find((l) => l.name === VIRTUAL_INBOUND);
  const addressed = (ip: string) =>
    res.listeners.find((l) => {
      const a = addressOf(l);
      return a !== undefined && a.ip === ip && a.port === req.port && l.name !== VIRTUAL_OUTBOUND;
    });
  const exact = req.destinationIp ? addressed(req.destinationIp) : undefined;
  if (exact) return exact;
  const wildcard = addressed('0.0.0.0');
  if (wildcard) return wildcard;
  // Sidecars: what no listener claims is handled by virtualOutbound's default chain.
  return res.listeners.find((l) => l.name === VIRTUAL_OUTBOUND);
}

/** Envoy's server_names match: exact first, then the longest `*.suffix` wildcard. */
function sniScore(names: readonly string[], sni: string): number {
  let best = -1;
  for (const n of names) {
    if (n === sni) return Number.MAX_SAFE_INTEGER;
    if (n.startsWith('*.') && sni.endsWith(n.slice(1))) best = Math.max(best, n.length);
  }
  return best;
}

/** One filter-chain-match criterion: keep the most specific matching chains, else the catch-alls. */
function narrow<T>(
  chains: FilterChain[],
  valueOf: (c: FilterChain) => T | undefined,
  score: (v: T) => number,
): FilterChain[] {
  let best = -1;
  let picked: FilterChain[] = [];
  for (const c of chains) {
    const v = valueOf(c);
    if (v === undefined) continue;
    const s = score(v);
    if (s < 0) continue;
    if (s > best) {
      best = s;
      picked = [c];
    } else if (s === best) picked.push(c);
  }
  return picked.length > 0 ? picked : chains.filter((c) => valueOf(c) === undefined);
}

export function selectFilterChain(
  listener: Listener,
  req: TrafficRequest,
): FilterChain | undefined {
  const port = req.port;
  const tls = (req.tls ?? 'none') !== 'none';
  const sni = tls ? (req.sni ?? '') : '';
  const alpn = offeredAlpn(req);
  let chains = [...listener.filterChains];
  chains = narrow(
    chains,
    (c) => c.filterChainMatch?.destinationPort,
    (p) => (p === port ? 1 : -1),
  );
  chains = narrow(
    chains,
    (c) =>
      (c.filterChainMatch?.serverNames.length ?? 0) > 0
        ? c.filterChainMatch?.serverNames
        : undefined,
    (names) => (sni ? sniScore(names, sni) : -1),
  );
  chains = narrow(
    chains,
    (c) =>
      c.filterChainMatch?.transportProtocol ? c.filterChainMatch.transportProtocol : undefined,
    (t) => (t === (tls ? 'tls' : 'raw_buffer') ? 1 : -1),
  );
  chains = narrow(
    chains,
    (c) =>
      (c.filterChainMatch?.applicationProtocols.length ?? 0) > 0
        ? c.filterChainMatch?.applicationProtocols
        : undefined,
    (protos) => (protos.some((p) => alpn.includes(p)) ? 1 : -1),
  );
  return chains[0] ?? listener.defaultFilterChain;
}

function fullPercent(
  p: { numerator: number; denominator: FractionalPercent_DenominatorType } | undefined,
): boolean {
  if (!p) return true; // Envoy: an unset percentage means 100%.
  const scale =
    p.denominator === FractionalPercent_DenominatorType.MILLION
      ? 1_000_000
      : p.denominator === FractionalPercent_DenominatorType.TEN_THOUSAND
        ? 10_000
        : 100;
  return p.numerator >= scale;
}

const REDIRECT_STATUS = [301, 302, 303, 307, 308];

function routeOutcome(
  res: ProxyResources,
  base: TrafficResult,
  route: Route,
  vhost: VirtualHost,
): TrafficResult {
  const r: TrafficResult = { ...base, route, virtualHost: vhost };
  const fault = route.typedPerFilterConfig['envoy.filters.http.fault'];
  if (fault && anyIs(fault, HTTPFaultSchema)) {
    const cfg = anyUnpack(fault, HTTPFaultSchema);
    const abort = cfg?.abort;
    if (abort && abort.errorType.case === 'httpStatus' && fullPercent(abort.percentage)) {
      return {
        ...r,
        outcome: 'fault_abort',
        httpStatus: abort.errorType.value,
        responseFlag: 'FI',
      };
    }
  }
  switch (route.action.case) {
    case 'redirect':
      return {
        ...r,
        outcome: 'redirect',
        httpStatus: REDIRECT_STATUS[route.action.value.responseCode] ?? 301,
      };
    case 'directResponse':
      return { ...r, outcome: 'direct_response', httpStatus: route.action.value.status };
    case 'route': {
      const spec = route.action.value.clusterSpecifier;
      const clusters =
        spec.case === 'cluster'
          ? [{ name: spec.value }]
          : spec.case === 'weightedClusters'
            ? spec.value.clusters.map((c) => ({ name: c.name, weight: c.weight }))
            : [];
      const withClusters = { ...r, clusters };
      if (clusters.length === 0)
        return { ...withClusters, outcome: 'no_route', httpStatus: 404, responseFlag: 'NR' };
      if (clusters.length === 1 && clusters[0].name === PASSTHROUGH_CLUSTER) {
        return { ...withClusters, outcome: 'passthrough' };
      }
      const present = clusters.filter((c) => res.clusters.some((x) => x.name === c.name));
      if (present.length === 0) {
        return {
          ...withClusters,
          outcome: 'cluster_not_found',
          httpStatus: 503,
          responseFlag: 'NC',
        };
      }
      return {
        ...withClusters,
        outcome: 'route',
        endpoints: clusterEndpointAddresses(res, present[0].name),
      };
    }
    default:
      return {
        ...r,
        outcome: 'no_route',
        httpStatus: 404,
        responseFlag: 'NR',
        reason: `route action ${String(route.action.case)}`,
      };
  }
}

export function simulateTraffic(res: ProxyResources, req: TrafficRequest): TrafficResult {
  const empty: TrafficResult = { outcome: 'no_listener', clusters: [], endpoints: [] };
  const listener = selectListener(res, req);
  if (!listener) return { ...empty, reason: `no listener for port ${req.port}` };
  const base: TrafficResult = { ...empty, listener };

  // Proxyless gRPC: the API listener's HCM, no filter chains.
  let chain: FilterChain | undefined;
  if (!listener.apiListener) {
    chain = selectFilterChain(listener, req);
    if (!chain) {
      return {
        ...base,
        outcome: 'rejected',
        reason: `no filter chain of ${listener.name} matches`,
      };
    }
  }
  const withChain = { ...base, filterChain: chain };
  const hcm = listener.apiListener
    ? httpConnectionManagersOf(listener)[0]
    : (chain?.filters.map(hcmOfFilter).find((h) => h !== undefined) ?? undefined);
  if (!hcm) {
    const tcp = chain?.filters.map(tcpProxyOfFilter).find((t) => t !== undefined);
    if (!tcp)
      return { ...withChain, outcome: 'rejected', reason: 'filter chain has no terminal filter' };
    const clusters = tcpProxyClusters(tcp).map((name) => ({ name }));
    const first = clusters[0]?.name ?? '';
    if (first === PASSTHROUGH_CLUSTER) return { ...withChain, clusters, outcome: 'passthrough' };
    if (first === BLACKHOLE_CLUSTER)
      return { ...withChain, clusters, outcome: 'rejected', reason: 'BlackHoleCluster' };
    return {
      ...withChain,
      clusters,
      outcome: 'tcp_proxy',
      endpoints: clusterEndpointAddresses(res, first),
    };
  }

  let routeConfig: RouteConfiguration | undefined;
  let rdsName: string | undefined;
  if (hcm.routeSpecifier.case === 'routeConfig') routeConfig = hcm.routeSpecifier.value;
  else if (hcm.routeSpecifier.case === 'rds') {
    rdsName = hcm.routeSpecifier.value.routeConfigName;
    routeConfig = res.routes.find((r) => r.name === rdsName);
  }
  const withRc = { ...withChain, routeConfig, rdsName };
  if (!routeConfig) {
    return {
      ...withRc,
      outcome: 'no_route',
      httpStatus: 404,
      responseFlag: 'NR',
      reason: `route configuration ${rdsName ?? '?'} missing`,
    };
  }
  const tls = (req.tls ?? 'none') !== 'none';
  const http = simulateHttpRoute(routeConfig, {
    authority: req.authority ?? req.xdsTarget ?? '',
    path: req.path ?? '/',
    method: req.method ?? 'GET',
    headers: req.headers ?? {},
    scheme: tls ? 'https' : 'http',
  });
  const withHttp = { ...withRc, http, virtualHost: http.virtualHost };
  // Envoy checks the vhost's TLS requirement before looking at its routes.
  if (http.virtualHost?.requireTls === VirtualHost_TlsRequirementType.ALL && !tls) {
    return {
      ...withHttp,
      outcome: 'redirect',
      httpStatus: 301,
      reason: 'virtual host requires TLS',
    };
  }
  if (!http.route || !http.virtualHost) {
    return {
      ...withHttp,
      outcome: 'no_route',
      httpStatus: 404,
      responseFlag: 'NR',
      reason: http.noMatchReason,
    };
  }
  return routeOutcome(res, withHttp, http.route, http.virtualHost);
}
