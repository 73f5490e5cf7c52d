// Every VirtualService HTTP feature, translated for a sidecar on port 9080 and checked both in
// the generated Envoy JSON and by walking requests through the route config.
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import { validateEnvoyResource } from '../../../proto/pgv/index.js';
import { TYPE_URL } from '../../types.js';
import { simulateHttpRoute, type HttpRequest } from '../../simulate/http-route.js';
import { buildSidecarRouteConfig } from '../route-config-sidecar.js';
import { routeView, sidecarProxy, subsetDiff } from './support/route-fixtures.js';
import { withWorld } from './support/world.js';

function reviewsRoutes(http: string, extra = '') {
  const yaml = withWorld(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
${http}
${extra}`);
  const rc = buildSidecarRouteConfig({
    proxy: sidecarProxy(),
    push: pushContextFromYaml(yaml),
    listenerPort: 9080,
  });
  expect(validateEnvoyResource(TYPE_URL.route, rc)).toEqual([]);
  return rc;
}

const req = (r: Partial<HttpRequest> = {}): HttpRequest => ({
  authority: 'reviews:9080',
  path: '/reviews/0',
  method: 'GET',
  ...r,
});

function routeFor(rc: ReturnType<typeof reviewsRoutes>, r: Partial<HttpRequest> = {}) {
  const res = simulateHttpRoute(rc, req(r));
  expect(res.virtualHost?.name).toBe('reviews.default.svc.cluster.local:9080');
  return res;
}

const expectRoute = (actual: ReturnType<typeof routeView>, expected: unknown) =>
  expect(subsetDiff(expected, actual)).toEqual([]);

describe('VirtualService match translation', () => {
  const rc = reviewsRoutes(`
  - name: api
    match:
    - name: exact
      uri: {exact: /exact}
    - uri: {regex: '/re/[0-9]+'}
      ignoreUriCase: true
    - headers: {x-env: {regex: 'prod|stage'}}
      withoutHeaders: {x-skip: {exact: 'yes'}}
    - method: {exact: POST}
      authority: {prefix: reviews}
      scheme: {exact: http}
    - queryParams: {debug: {}}
    - port: 9999
    route: [{destination: {host: reviews, subset: v2}}]
  - route: [{destination: {host: reviews, subset: v1}}]`);
  const reviewsVhost = (r: typeof rc) =>
    r.virtualHosts.find((v) => v.name === 'reviews.default.svc.cluster.local:9080')!;
  const routes = reviewsVhost(rc).routes;

  it('emits one route per applicable match block, named <http>.<match>', () => {
    // The port 9999 block does not apply to the 9080 listener.
    expect(routes.map((r) => r.name)).toEqual(['api.exact', 'api', 'api', 'api', 'api', '']);
    expectRoute(routeView(routes[0]), { match: { path: '/exact', case_sensitive: true } });
  });

  it('translates regex, case-insensitivity, headers and pseudo-headers', () => {
    expectRoute(routeView(routes[1]), {
      match: { safe_regex: { regex: '/re/[0-9]+' }, case_sensitive: false },
    });
    expectRoute(routeView(routes[2]), {
      match: {
        headers: [
          { name: 'x-env', string_match: { safe_regex: { regex: 'prod|stage' } } },
          {
            name: 'x-skip',
            string_match: { exact: 'yes' },
            invert_match: true,
            treat_missing_header_as_empty: true,
          },
        ],
      },
    });
    expectRoute(routeView(routes[3]), {
      match: {
        headers: [
          { name: ':method', string_match: { exact: 'POST' } },
          { name: ':authority', string_match: { prefix: 'reviews' } },
          { name: ':scheme', string_match: { exact: 'http' } },
        ],
      },
    });
    expectRoute(routeView(routes[4]), {
      match: { query_parameters: [{ name: 'debug', present_match: true }] },
    });
  });

  it('routes requests by first match, as Envoy would', () => {
    const v2 = 'outbound|9080|v2|reviews.default.svc.cluster.local';
    const v1 = 'outbound|9080|v1|reviews.default.svc.cluster.local';
    const cluster = (r: Partial<HttpRequest>) => {
      const res = routeFor(rc, r);
      const a = res.route?.action;
      return a?.case === 'route' && a.value.clusterSpecifier.case === 'cluster'
        ? a.value.clusterSpecifier.value
        : undefined;
    };
    expect(cluster({ path: '/exact?x=1' })).toBe(v2);
    expect(cluster({ path: '/RE/42' })).toBe(v2);
    expect(cluster({ path: '/re/4x' })).toBe(v1);
    expect(cluster({ headers: { 'x-env': 'prod' } })).toBe(v2);
    expect(cluster({ headers: { 'x-env': 'production' } })).toBe(v1);
    expect(cluster({ headers: { 'x-env': 'prod', 'x-skip': 'yes' } })).toBe(v1);
    expect(cluster({ method: 'POST' })).toBe(v2);
    expect(cluster({ path: '/a?debug' })).toBe(v2);
    const res = routeFor(rc, { path: '/other' });
    expect(res.routeIndex).toBe(5);
    expect(res.skipped[0].reason).toContain('/exact');
  });

  it('keeps a block for this proxy only when sourceLabels / sourceNamespace match', () => {
    const rc2 = reviewsRoutes(`
  - match: [{sourceLabels: {app: productpage}}]
    route: [{destination: {host: reviews, subset: v3}}]
  - match: [{sourceLabels: {app: other}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - match: [{sourceNamespace: other}]
    route: [{destination: {host: reviews, subset: v2}}]`);
    const r = reviewsVhost(rc2).routes;
    expect(r).toHaveLength(1);
    expectRoute(routeView(r[0]), { cluster: 'outbound|9080|v3|reviews.default.svc.cluster.local' });
  });
});

describe('VirtualService route actions', () => {
  it('splits by weight, dropping weight-0 destinations, and honours explicit ports', () => {
    const rc = reviewsRoutes(`
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 90}
    - {destination: {host: reviews, subset: v2}, weight: 0}
    - {destination: {host: ratings, port: {number: 9090}}, weight: 10}`);
    expectRoute(routeView(routeFor(rc).route!), {
      weighted_clusters: {
        clusters: [
          { name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 90 },
          { name: 'outbound|9090||ratings.default.svc.cluster.local', weight: 10 },
        ],
      },
      cluster: null,
    });
  });

  it('applies timeout, retries and retryOn status codes', () => {
    const rc = reviewsRoutes(`
  - timeout: 1.5s
    retries: {attempts: 3, perTryTimeout: 500ms, retryOn: 'gateway-error,503'}
    route: [{destination: {host: reviews}}]`);
    expectRoute(routeView(routeFor(rc).route!), {
      cluster: 'outbound|9080||reviews.default.svc.cluster.local',
      timeout: '1.500s',
      max_grpc_timeout: '1.500s',
      retry_policy: {
        num_retries: 3,
        retry_on: 'gateway-error,retriable-status-codes',
        retriable_status_codes: [503],
        per_try_timeout: '0.500s',
        retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }],
      },
    });
  });

  it('drops the retry policy for attempts: 0', () => {
    const rc = reviewsRoutes(`
  - retries: {attempts: 0}
    route: [{destination: {host: reviews}}]`);
    expectRoute(routeView(routeFor(rc).route!), { retry_policy: null, timeout: '0s' });
  });

  it('rewrites uri, regex and authority', () => {
    const rc = reviewsRoutes(`
  - match: [{uri: {prefix: /old}}]
    rewrite: {uri: /new, authority: reviews.internal}
    route: [{destination: {host: reviews}}]
  - rewrite: {uriRegexRewrite: {match: '^/v1/(.*)', rewrite: '/\\1'}}
    route: [{destination: {host: reviews}}]`);
    expectRoute(routeView(routeFor(rc, { path: '/old/x' }).route!), {
      prefix_rewrite: '/new',
      host_rewrite_literal: 'reviews.internal',
    });
    expectRoute(routeView(routeFor(rc, { path: '/v1/x' }).route!), {
      regex_rewrite: { pattern: { regex: '^/v1/(.*)' }, substitution: '/\\1' },
    });
  });

  it('mirrors with mirrorPercentage and mirrors[]', () => {
    const rc = reviewsRoutes(`
  - mirror: {host: reviews, subset: v3}
    mirrorPercentage: {value: 12.5}
    mirrors:
    - {destination: {host: ratings}, percentage: {value: 0}}
    - {destination: {host: details.other.svc.cluster.local}}
    route: [{destination: {host: reviews, subset: v1}}]`);
    expectRoute(routeView(routeFor(rc).route!), {
      request_mirror_policies: [
        {
          cluster: 'outbound|9080|v3|reviews.default.svc.cluster.local',
          runtime_fraction: { default_value: { numerator: 125000, denominator: 'MILLION' } },
        },
        {
          cluster: 'outbound|9080||details.other.svc.cluster.local',
          runtime_fraction: { default_value: { numerator: 100, denominator: 'HUNDRED' } },
        },
      ],
    });
  });

  it('adds route and destination header operations; host set becomes a rewrite', () => {
    const rc = reviewsRoutes(`
  - headers:
      request: {set: {x-b: '1', host: new.host}, add: {x-a: '2'}, remove: [x-gone, ':path']}
      response: {remove: [server]}
    route:
    - destination: {host: reviews}
      headers: {response: {set: {x-dest: d}}}`);
    expectRoute(routeView(routeFor(rc).route!), {
      request_headers_to_add: [
        { header: { key: 'x-b', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
        { header: { key: 'x-a', value: '2' } },
      ],
      request_headers_to_remove: ['x-gone'],
      response_headers_to_remove: ['server'],
      response_headers_to_add: [
        { header: { key: 'x-dest', value: 'd' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      ],
      host_rewrite_literal: 'new.host',
    });
  });

  it('puts fault and CORS policy into typed_per_filter_config', () => {
    const rc = reviewsRoutes(`
  - fault:
      abort: {grpcStatus: UNAVAILABLE, percentage: {value: 50}}
      delay: {fixedDelay: 2s, percent: 10}
    corsPolicy:
      allowOrigins: [{exact: 'https://a.example'}]
      allowMethods: [GET, POST]
      maxAge: 24h
    route: [{destination: {host: reviews}}]`);
    expectRoute(routeView(routeFor(rc).route!), {
      typed_per_filter_config: {
        'envoy.filters.http.fault': {
          '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
          abort: { grpc_status: 14, percentage: { numerator: 500000, denominator: 'MILLION' } },
          delay: { fixed_delay: '2s', percentage: { numerator: 10 } },
        },
        'envoy.filters.http.cors': {
          allow_origin_string_match: [{ exact: 'https://a.example' }],
          allow_methods: 'GET,POST',
          max_age: '86400',
          forward_not_matching_preflights: true,
        },
      },
    });
  });

  it('redirects and answers directly', () => {
    const rc = reviewsRoutes(`
  - match: [{uri: {exact: /moved}}]
    redirect: {uri: /new, authority: other.example, redirectCode: 302, port: 8443, scheme: https}
  - match: [{uri: {exact: /gone}}]
    directResponse: {status: 410, body: {string: gone}}
  - route: [{destination: {host: reviews}}]`);
    expectRoute(routeView(routeFor(rc, { path: '/moved' }).route!), {
      redirect: {
        path_redirect: '/new',
        host_redirect: 'other.example',
        response_code: 'FOUND',
        port_redirect: 8443,
        scheme_redirect: 'https',
      },
    });
    expectRoute(routeView(routeFor(rc, { path: '/gone' }).route!), {
      direct_response: { status: 410, body: { inline_string: 'gone' } },
    });
  });

  it('adds the DestinationRule consistent hash and keeps retries on the hashed host', () => {
    const rc = reviewsRoutes(
      `
  - route: [{destination: {host: ratings}}]`,
      `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec:
  host: ratings
  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}`,
    );
    expectRoute(routeView(routeFor(rc).route!), {
      hash_policy: [{ header: { header_name: 'x-user' } }],
      retry_policy: { retry_host_predicate: null, num_retries: 2 },
    });
    // The ratings service vhost (no VirtualService) gets the hash too.
    const ratings = rc.virtualHosts.find(
      (v) => v.name === 'ratings.default.svc.cluster.local:9080',
    );
    expectRoute(routeView(ratings!.routes[0]), {
      name: 'default',
      hash_policy: [{ header: { header_name: 'x-user' } }],
    });
  });

  it('names the source VirtualService in route and vhost metadata', () => {
    const rc = reviewsRoutes(`
  - route: [{destination: {host: reviews}}]`);
    const path = '/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews';
    const res = routeFor(rc);
    expect(res.route?.metadata?.filterMetadata.istio).toEqual({ config: path });
    expect(res.virtualHost?.metadata?.filterMetadata.istio).toEqual({ config: path });
  });
});
