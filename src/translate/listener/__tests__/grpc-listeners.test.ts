// Proxyless gRPC client listeners: API listeners per requested `host:port`.
import { buildGrpcListeners } from '../grpc-listeners.js';
import { httpConnectionManagersOf, rdsNamesOf } from '../inspect.js';
import { buildSidecarScope } from '../sidecar-scope.js';
import { REVIEWS, proxyOf, world } from './fixtures.js';

const NODE = 'sidecar~10.244.5.1~client-0.default~default.svc.cluster.local';

function grpc(names?: string[]) {
  const push = world(REVIEWS);
  const proxy = proxyOf(push, NODE, { GENERATOR: 'grpc', LABELS: { app: 'client' } });
  return buildGrpcListeners(proxy, push, buildSidecarScope(proxy, push), names);
}

describe('proxyless gRPC listeners', () => {
  it('builds an API listener named exactly as requested, RDS outbound|<port>||<fqdn>', () => {
    const ls = grpc(['reviews:9080', 'reviews.default.svc.cluster.local:9080']);
    expect(ls.map((l) => l.name)).toEqual([
      'reviews:9080',
      'reviews.default.svc.cluster.local:9080',
    ]);
    expect(ls[0].apiListener).toBeDefined();
    expect(ls[0].filterChains).toEqual([]);
    expect(rdsNamesOf(ls[0])).toEqual(['outbound|9080||reviews.default.svc.cluster.local']);
  });

  it('uses only filters gRPC understands, router last', () => {
    const hcm = httpConnectionManagersOf(grpc(['reviews:9080'])[0])[0];
    expect(hcm.httpFilters.map((f) => f.name)).toEqual([
      'envoy.filters.http.fault',
      'envoy.filters.http.router',
    ]);
    const rds = hcm.routeSpecifier.case === 'rds' ? hcm.routeSpecifier.value : undefined;
    expect(rds?.configSource?.configSourceSpecifier.case).toBe('ads');
  });

  it('skips names of unknown hosts or ports', () => {
    expect(grpc(['nope:9080', 'reviews:1234', 'garbage'])).toEqual([]);
  });

  it('lists every visible service port when nothing is requested', () => {
    expect(grpc().map((l) => l.name)).toEqual(['reviews.default.svc.cluster.local:9080']);
  });
});
