// Runs the route-related worked cases of istiod's behaviour (testdata/istio-cases) through the
// route translators and the route simulator, asserting their route / virtual host expectations.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import type { GatewaySpec } from '../../../model/istio-types.js';
import type { ConfigResource } from '../../../model/config.js';
import { validateEnvoyResource } from '../../../proto/pgv/index.js';
import { TYPE_URL } from '../../types.js';
import { simulateHttpRoute } from '../../simulate/http-route.js';
import { buildGatewayRouteConfig, gatewayRouteName } from '../route-config-gateway.js';
import { buildSidecarRouteConfig } from '../route-config-sidecar.js';
import { makeProxy, routeView, subsetDiff, type ProxyFields } from './support/route-fixtures.js';

interface IstioCase {
  id: string;
  group: string;
  config_yaml: string;
  proxy: ProxyFields;
  request: {
    direction: string;
    listener_port: number;
    protocol: string;
    authority: string;
    path: string;
    method: string;
    headers: Record<string, string>;
  };
  expect: {
    outcome: string;
    xds?: {
      listener?: string | null;
      route_config?: string;
      virtual_host?: string;
      virtual_host_domains?: string[];
      virtual_host_domains_include?: string[];
    };
    route?: Record<string, unknown>;
    virtual_host_route_count?: number;
    other_virtual_hosts?: Record<
      string,
      { domains_include?: string[]; domains_exclude?: string[] }
    >;
  };
}

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../..');
const file = JSON.parse(
  readFileSync(path.join(repoRoot, 'testdata', 'istio-cases', 'cases.json'), 'utf8'),
) as { cases: IstioCase[] };

const cases = file.cases.filter(
  (c) =>
    c.request?.protocol === 'http' &&
    c.request.direction === 'outbound' &&
    c.proxy.type !== 'proxyless-grpc' &&
    c.expect.xds !== undefined,
);

function routeConfigFor(c: IstioCase) {
  const push = pushContextFromYaml(c.config_yaml);
  const proxy = makeProxy(c.proxy);
  const port = c.request.listener_port;
  if (proxy.type === 'sidecar') return buildSidecarRouteConfig({ proxy, push, listenerPort: port });
  const servers = push
    .gatewaysFor(proxy.namespace, proxy.labels)
    .flatMap((gateway: ConfigResource<GatewaySpec>) =>
      (gateway.spec.servers ?? []).map((server) => ({ gateway, server })),
    )
    .filter((s) => s.server.port.number === port);
  // No server on the port: the gateway has no listener there at all.
  return servers.length === 0 ? undefined : buildGatewayRouteConfig(proxy, push, port, servers);
}

describe('istio behaviour cases (routes)', () => {
  it('covers the route-related groups', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const rc = routeConfigFor(c);
    const xds = c.expect.xds ?? {};
    if (xds.listener === null) {
      expect(rc).toBeUndefined();
      return;
    }
    expect(rc).toBeDefined();
    if (!rc) return;
    expect(validateEnvoyResource(TYPE_URL.route, rc)).toEqual([]);
    if (xds.route_config) expect(rc.name).toBe(xds.route_config);
    if (c.proxy.type === 'router') expect(rc.name).toBe(gatewayRouteName(c.request.listener_port));

    const result = simulateHttpRoute(rc, {
      authority: c.request.authority,
      path: c.request.path,
      method: c.request.method,
      headers: c.request.headers,
    });
    if (xds.virtual_host) expect(result.virtualHost?.name).toBe(xds.virtual_host);
    const vh = result.virtualHost;
    if (!vh) return;
    if (xds.virtual_host_domains) expect(vh.domains).toEqual(xds.virtual_host_domains);
    for (const d of xds.virtual_host_domains_include ?? []) expect(vh.domains).toContain(d);
    if (c.expect.virtual_host_route_count !== undefined) {
      expect(vh.routes).toHaveLength(c.expect.virtual_host_route_count);
    }
    for (const [name, want] of Object.entries(c.expect.other_virtual_hosts ?? {})) {
      const other = rc.virtualHosts.find((v) => v.name === name);
      expect(other).toBeDefined();
      for (const d of want.domains_include ?? []) expect(other?.domains).toContain(d);
      for (const d of want.domains_exclude ?? []) expect(other?.domains).not.toContain(d);
    }
    if (c.expect.outcome === 'no_route') {
      expect(result.route).toBeUndefined();
      return;
    }
    expect(result.route).toBeDefined();
    if (c.expect.route && result.route) {
      expect(subsetDiff(c.expect.route, routeView(result.route))).toEqual([]);
    }
  });
});
