// Runs one istio-cases fixture end to end: config YAML → push context → proxy (parsed from the
// node id + metadata the way a connecting proxy is) → translateProxy → simulateTraffic, and
// checks the case's `expect` block (semantics in testdata/istio-cases/README.md).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { RouteSchema } from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { parseProxy } from '../../model/proxy-identity.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { pushContextFromYaml } from '../../model/testing/snapshot-from-yaml.js';
import { toEnvoyJson } from '../../proto/envoy-json.js';
import { clusterEndpointAddresses } from '../simulate/cluster-endpoints.js';
import { simulateTraffic, type TrafficRequest, type TrafficResult } from '../simulate/traffic.js';
import { translateProxy } from '../translate-proxy.js';
import type { ProxyResources } from '../types.js';
import { compareJson, type Json } from './json-expect.js';

export interface IstioCase {
  id: string;
  group: string;
  description: string;
  config_yaml: string;
  proxy: {
    type: 'sidecar' | 'router' | 'proxyless-grpc';
    namespace: string;
    pod: string;
    labels: Record<string, string>;
    ip: string;
    node_metadata?: Record<string, string>;
  };
  request: {
    direction?: 'outbound' | 'inbound';
    listener_port: number;
    protocol?: 'http' | 'tls' | 'grpc' | 'tcp';
    tls?: 'none' | 'client-tls' | 'istio-mtls';
    authority?: string;
    path?: string;
    method?: string;
    headers?: Record<string, string>;
    sni?: string;
    xds_target?: string;
    lds_resource_names?: string[];
    cds_resource_names?: string[];
  };
  expect: Record<string, Json>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function loadIstioCases(): IstioCase[] {
  const inRepo = path.join(repoRoot, 'testdata', 'istio-cases', 'cases.json');
  const file = existsSync(inRepo)
    ? inRepo
    : path.join(repoRoot, '..', 'shared', 'istio-cases', 'cases.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: IstioCase[] }).cases;
}

export function proxyForCase(c: IstioCase, push: PushContext): Proxy {
  const grpc = c.proxy.type === 'proxyless-grpc' || c.proxy.node_metadata?.GENERATOR === 'grpc';
  const type = c.proxy.type === 'router' ? 'router' : 'sidecar';
  const ns = c.proxy.namespace;
  const nodeId = `${type}~${c.proxy.ip}~${c.proxy.pod}.${ns}~${ns}.svc.cluster.local`;
  const parsed = parseProxy(
    nodeId,
    {
      ...(c.proxy.node_metadata ?? {}),
      NAMESPACE: ns,
      LABELS: c.proxy.labels,
      ...(grpc ? { GENERATOR: 'grpc' } : {}),
    },
    push,
  );
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** The VIP a client's DNS lookup of the authority would give (search path: own namespace). */
function resolveVip(
  authority: string | undefined,
  proxy: Proxy,
  push: PushContext,
): string | undefined {
  if (!authority) return undefined;
  const host = authority.replace(/:\d+$/, '');
  const suffix = push.mesh.domainSuffix;
  for (const h of [host, `${host}.${proxy.namespace}.svc.${suffix}`, `${host}.svc.${suffix}`]) {
    const svc = push.serviceForHost(h, proxy.namespace);
    if (svc?.addresses[0]) return svc.addresses[0];
  }
  return undefined;
}

export interface CaseRun {
  push: PushContext;
  proxy: Proxy;
  resources: ProxyResources;
  result: TrafficResult;
}

export function runCase(c: IstioCase): CaseRun {
  const push = pushContextFromYaml(c.config_yaml);
  const proxy = proxyForCase(c, push);
  const r = c.request;
  const resources = translateProxy(proxy, push, {
    listenerNames: r.lds_resource_names ?? (r.xds_target ? [r.xds_target] : undefined),
    clusterNames: r.cds_resource_names,
  });
  const req: TrafficRequest = {
    port: r.listener_port,
    direction: r.direction,
    destinationIp: r.direction === 'inbound' ? proxy.ip : resolveVip(r.authority, proxy, push),
    protocol: r.protocol,
    tls: r.tls,
    sni: r.sni,
    authority: r.authority,
    path: r.path,
    method: r.method,
    headers: r.headers,
    xdsTarget: proxy.generator === 'grpc' ? r.xds_target : undefined,
  };
  return { push, proxy, resources, result: simulateTraffic(resources, req) };
}

/** Every mismatch between the case's expectations and what translation + simulation produced. */
export function caseMismatches(c: IstioCase, run: CaseRun): string[] {
  const { resources, result } = run;
  const e = c.expect;
  const out: string[] = [];
  const check = (key: string, expected: Json | undefined, actual: unknown): void => {
    if (expected !== undefined) out.push(...compareJson(expected, actual, key));
  };
  check('outcome', e.outcome, result.outcome);
  check('http_status', e.http_status, result.httpStatus);
  check('envoy_response_flag', e.envoy_response_flag, result.responseFlag);
  const vh = result.virtualHost;
  check('xds', e.xds, {
    listener: result.listener?.name,
    listener_is_api_listener: result.listener
      ? result.listener.apiListener !== undefined
      : undefined,
    route_config: result.rdsName ?? result.routeConfig?.name,
    virtual_host: vh?.name,
    virtual_host_domains: vh?.domains,
    virtual_host_require_tls: vh ? vh.requireTls !== 0 : undefined,
  });
  if (e.route !== undefined) {
    const json = result.route
      ? (toEnvoyJson(RouteSchema, result.route) as Record<string, Json>)
      : {};
    const action = (json.route ?? {}) as Record<string, Json>;
    const weighted = action.weighted_clusters as { clusters?: Json } | undefined;
    check('route', e.route, { ...json, ...action, weighted_clusters: weighted?.clusters });
  }
  check('virtual_host_route_count', e.virtual_host_route_count, vh?.routes.length);
  const others = e.other_virtual_hosts as Record<string, Json> | undefined;
  for (const [name, exp] of Object.entries(others ?? {})) {
    const other = result.routeConfig?.virtualHosts.find((v) => v.name === name);
    if (!other)
      out.push(`other_virtual_hosts.${name}: no such virtual host in ${result.routeConfig?.name}`);
    else check(`other_virtual_hosts.${name}`, exp, { domains: other.domains });
  }
  const clusters = e.clusters as Record<string, Record<string, Json>> | undefined;
  for (const [name, exp] of Object.entries(clusters ?? {})) {
    const cluster = resources.clusters.find((x) => x.name === name);
    const { present, ...rest } = exp;
    if (present !== undefined && present !== (cluster !== undefined)) {
      out.push(`clusters.${name}: expected present=${String(present)}`);
      continue;
    }
    if (Object.keys(rest).length === 0 || present === false) continue;
    if (!cluster) out.push(`clusters.${name}: missing`);
    else check(`clusters.${name}`, rest, toEnvoyJson(ClusterSchema, cluster));
  }
  const endpoints = e.endpoints as Record<string, string[]> | undefined;
  for (const [name, exp] of Object.entries(endpoints ?? {})) {
    check(`endpoints.${name}`, [...exp].sort(), clusterEndpointAddresses(resources, name).sort());
  }
  return out;
}
