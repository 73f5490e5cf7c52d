// Route configurations by RDS name: `<port>` (shared per port) and `<fqdn>:<port>` (a sniffed
// service's own listener).
import { buildSidecarRouteConfigNamed, isSidecarRouteName } from '../sidecar-route-configs.js';
import { buildSidecarScope } from '../sidecar-scope.js';
import { REVIEWS, REVIEWS_NODE, proxyOf, service, world } from './fixtures.js';

const LEGACY = service('legacy', 'default', '10.96.0.50', '[{port: 9080}]');
const RATINGS = service('ratings', 'default', '10.96.0.12', '[{name: http, port: 9080}]');

function routeConfig(name: string) {
  const push = world(REVIEWS + LEGACY + RATINGS);
  const proxy = proxyOf(push, REVIEWS_NODE);
  return buildSidecarRouteConfigNamed(proxy, push, buildSidecarScope(proxy, push), name);
}

describe('sidecar route configs by name', () => {
  it('recognises <port> and <fqdn>:<port>, nothing else', () => {
    expect(isSidecarRouteName('9080')).toBe(true);
    expect(isSidecarRouteName('legacy.default.svc.cluster.local:9080')).toBe(true);
    expect(isSidecarRouteName('http.8080')).toBe(false);
  });

  it('<fqdn>:<port> holds only that service, for any Host, without a catch-all', () => {
    const rc = routeConfig('legacy.default.svc.cluster.local:9080');
    expect(rc.name).toBe('legacy.default.svc.cluster.local:9080');
    expect(rc.virtualHosts.map((v) => [v.name, v.domains])).toEqual([
      ['legacy.default.svc.cluster.local:9080', ['*']],
    ]);
    const action = rc.virtualHosts[0].routes[0].action;
    expect(action.case === 'route' && action.value.clusterSpecifier.value).toBe(
      'outbound|9080||legacy.default.svc.cluster.local',
    );
  });

  it('<port> holds every HTTP or sniffed service on the port and the catch-all', () => {
    const rc = routeConfig('9080');
    expect(rc.virtualHosts.map((v) => v.name)).toEqual([
      'legacy.default.svc.cluster.local:9080',
      'ratings.default.svc.cluster.local:9080',
      'reviews.default.svc.cluster.local:9080',
      'allow_any',
    ]);
  });
});
