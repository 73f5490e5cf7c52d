// Route configurations as a whole: sidecar vhost domains, catch-alls and VirtualService
// precedence; gateway vhosts, merging, httpsRedirect and the 404 vhost; proxyless gRPC RDS.
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import type { GatewaySpec } from '../../../model/istio-types.js';
import type { ConfigResource } from '../../../model/config.js';
import { validateEnvoyResource } from '../../../proto/pgv/index.js';
import { TYPE_URL } from '../../types.js';
import { simulateHttpRoute } from '../../simulate/http-route.js';
import { buildGatewayRouteConfig } from '../route-config-gateway.js';
import { buildGrpcRouteConfig } from '../route-config-grpc.js';
import { buildSidecarRouteConfig } from '../route-config-sidecar.js';
import { makeProxy, routeView, sidecarProxy } from './support/route-fixtures.js';
import { withWorld } from './support/world.js';

const clusterOf = (view: ReturnType<typeof routeView>) => view.cluster;

describe('sidecar route config', () => {
  it('lists Istio domain variants per namespace and ends with allow_any', () => {
    const push = pushContextFromYaml(withWorld(''));
    const rc = buildSidecarRouteConfig({ proxy: sidecarProxy(), push, listenerPort: 9080 });
    expect(validateEnvoyResource(TYPE_URL.route, rc)).toEqual([]);
    expect(rc.virtualHosts.map((v) => v.name)).toEqual([
      'details.other.svc.cluster.local:9080',
      'ratings.default.svc.cluster.local:9080',
      'reviews.default.svc.cluster.local:9080',
      'allow_any',
    ]);
    expect(rc.virtualHosts[2].domains).toEqual([
      'reviews.default.svc.cluster.local',
      'reviews',
      'reviews.default.svc',
      'reviews.default',
      '10.96.10.13',
    ]);
    expect(rc.virtualHosts[0].domains).toEqual([
      'details.other.svc.cluster.local',
      'details.other',
      'details.other.svc',
      '10.96.10.11',
    ]);
    expect(rc.ignorePortInHostMatching).toBe(true);
    expect(rc.validateClusters).toBe(false);
    const res = simulateHttpRoute(rc, { authority: 'details:9080', path: '/' });
    expect(res.virtualHost?.name).toBe('allow_any');
  });

  it('uses block_all under REGISTRY_ONLY from a Sidecar', () => {
    const push = pushContextFromYaml(
      withWorld(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}`),
    );
    const rc = buildSidecarRouteConfig({ proxy: sidecarProxy(), push, listenerPort: 9080 });
    const res = simulateHttpRoute(rc, { authority: 'example.com', path: '/' });
    expect(res.virtualHost?.name).toBe('block_all');
    expect(routeView(res.route!).direct_response).toEqual({ status: 502 });
  });

  it('lets the oldest VirtualService win a host', () => {
    const vs = (name: string, ts: string, subset: string) => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default, creationTimestamp: '${ts}'}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: ${subset}}}]}]`;
    const push = pushContextFromYaml(
      withWorld(
        `${vs('a-new', '2024-02-01T00:00:00Z', 'v2')}\n${vs('z-old', '2024-01-01T00:00:00Z', 'v3')}`,
      ),
    );
    const rc = buildSidecarRouteConfig({ proxy: sidecarProxy(), push, listenerPort: 9080 });
    const res = simulateHttpRoute(rc, { authority: 'reviews', path: '/' });
    expect(clusterOf(routeView(res.route!))).toBe(
      'outbound|9080|v3|reviews.default.svc.cluster.local',
    );
  });

  it('filters services by the egress predicate', () => {
    const push = pushContextFromYaml(withWorld(''));
    const rc = buildSidecarRouteConfig({
      proxy: sidecarProxy(),
      push,
      listenerPort: 9080,
      includeService: (s) => s.namespace === 'default',
    });
    expect(rc.virtualHosts.map((v) => v.name)).not.toContain(
      'details.other.svc.cluster.local:9080',
    );
  });
});

describe('gateway route config', () => {
  const gatewayYaml = (servers: string, vss: string) =>
    withWorld(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
${servers}
---
${vss}`);
  const router = makeProxy({
    type: 'router',
    namespace: 'istio-system',
    pod: 'istio-ingressgateway-0',
    ip: '10.244.9.10',
    labels: { istio: 'ingressgateway' },
  });
  const build = (yaml: string, port: number) => {
    const push = pushContextFromYaml(yaml);
    const servers = push
      .gatewaysFor(router.namespace, router.labels)
      .flatMap((gateway: ConfigResource<GatewaySpec>) =>
        (gateway.spec.servers ?? []).map((server) => ({ gateway, server })),
      )
      .filter((s) => s.server.port.number === port);
    const rc = buildGatewayRouteConfig(router, push, port, servers);
    expect(validateEnvoyResource(TYPE_URL.route, rc)).toEqual([]);
    return rc;
  };

  it('merges VirtualServices for one host and applies httpsRedirect', () => {
    const rc = build(
      gatewayYaml(
        `  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ['*.example.com', 'plain.test']
    tls: {httpsRedirect: true}`,
        `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: default, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http: [{match: [{uri: {prefix: /a}}], route: [{destination: {host: reviews}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, namespace: default, creationTimestamp: '2024-01-02T00:00:00Z'}
spec:
  hosts: [shop.example.com]
  gateways: [default/gw]
  http: [{route: [{destination: {host: ratings, port: {number: 9080}}}]}]`,
      ),
      80,
    );
    const shop = rc.virtualHosts.find((v) => v.name === 'shop.example.com:80');
    expect(shop?.routes).toHaveLength(2);
    expect(shop?.requireTls).toBe(2); // ALL
    const plain = rc.virtualHosts.find((v) => v.name === 'plain.test:80');
    expect(plain?.routes).toEqual([]);
    expect(plain?.requireTls).toBe(2);
    expect(rc.name).toBe('http.80');
  });

  it('answers 404 through a blackhole vhost when nothing binds', () => {
    const rc = build(
      gatewayYaml(`  - port: {number: 8080, name: http, protocol: HTTP}\n    hosts: ['*']`, ''),
      8080,
    );
    expect(rc.virtualHosts.map((v) => [v.name, v.domains, v.routes.length])).toEqual([
      ['blackhole:8080', ['*'], 0],
    ]);
    expect(simulateHttpRoute(rc, { authority: 'x', path: '/' }).route).toBeUndefined();
  });
});

describe('proxyless gRPC route config', () => {
  it('holds only the requested host, with host:port domains and max_stream_duration', () => {
    const push = pushContextFromYaml(
      withWorld(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /x}}]
    redirect: {uri: /y}
  - timeout: 2s
    route: [{destination: {host: reviews, subset: v1}}]`),
    );
    const proxy = makeProxy({
      type: 'proxyless-grpc',
      namespace: 'default',
      pod: 'c-0',
      ip: '10.0.0.9',
      labels: {},
    });
    const rc = buildGrpcRouteConfig(
      proxy,
      push,
      'outbound|9080||reviews.default.svc.cluster.local',
    );
    expect(rc).toBeDefined();
    expect(validateEnvoyResource(TYPE_URL.route, rc!)).toEqual([]);
    expect(rc!.virtualHosts.map((v) => v.name)).toEqual(['reviews.default.svc.cluster.local:9080']);
    expect(rc!.virtualHosts[0].domains).toContain('reviews.default.svc.cluster.local:9080');
    // The redirect route is not sent: gRPC NACKs it.
    const routes = rc!.virtualHosts[0].routes;
    expect(routes).toHaveLength(1);
    const view = routeView(routes[0]);
    expect(view.max_stream_duration).toEqual({ max_stream_duration: '2s' });
    expect(view.max_grpc_timeout).toBeUndefined();
    expect(buildGrpcRouteConfig(proxy, push, 'not-a-cluster')).toBeUndefined();
  });
});
