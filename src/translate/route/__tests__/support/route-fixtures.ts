// Shared helpers for route tests: a proxy from a few fields, Envoy JSON of routes, and a
// subset comparison with the semantics of testdata/istio-cases/README.md.
import type { JsonValue } from '@bufbuild/protobuf';

import type { Proxy } from '../../../../model/proxy.js';
import { toEnvoyJson } from '../../../../proto/envoy-json.js';
import {
  RouteSchema,
  type Route,
} from '../../../../gen/envoy/config/route/v3/route_components_pb.js';

export interface ProxyFields {
  type: 'sidecar' | 'router' | 'proxyless-grpc';
  namespace: string;
  pod: string;
  ip: string;
  labels: Record<string, string>;
}

export function makeProxy(p: ProxyFields): Proxy {
  const type = p.type === 'router' ? 'router' : 'sidecar';
  return {
    id: `${type}~${p.ip}~${p.pod}.${p.namespace}~${p.namespace}.svc.cluster.local`,
    type,
    ip: p.ip,
    ips: [p.ip],
    podName: p.pod,
    namespace: p.namespace,
    name: `${p.pod}.${p.namespace}`,
    labels: p.labels,
    generator: p.type === 'proxyless-grpc' ? 'grpc' : undefined,
    metadata: {},
  };
}

export const sidecarProxy = (
  namespace = 'default',
  labels = { app: 'productpage', version: 'v1' },
) => makeProxy({ type: 'sidecar', namespace, pod: 'productpage-v1-0', ip: '10.244.1.41', labels });

/** Route JSON with its RouteAction fields lifted to the top, as the cases name them. */
export function routeView(r: Route): Record<string, JsonValue> {
  const json = toEnvoyJson(RouteSchema, r) as Record<string, JsonValue>;
  const action = (json.route ?? {}) as Record<string, JsonValue>;
  return { ...json, ...action };
}

const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === false ||
  v === 0 ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** Zero-value enums are omitted from proto3 JSON. */
const ZERO_ENUMS = new Set(['HUNDRED', 'MOVED_PERMANENTLY', 'ROUND_ROBIN']);

/** Differences between an expectation (subset) and actual JSON; [] when it holds. */
export function subsetDiff(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected === null)
    return isEmpty(actual) ? [] : [`${path}: expected absent, got ${JSON.stringify(actual)}`];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    }
    return expected.flatMap((e, i) => subsetDiff(e, actual[i], `${path}[${i}]`));
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || actual === null)
      return [`${path}: missing (expected object)`];
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) =>
      subsetDiff(v, (actual as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  if (actual === undefined && typeof expected === 'string' && ZERO_ENUMS.has(expected)) return [];
  // uint64 fields are strings in proto3 JSON.
  if (typeof expected === 'number' && typeof actual === 'string' && String(expected) === actual)
    return [];
  return expected === actual
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}
