// The bundled demo config (examples/bookinfo, what `npm start` serves) loads without errors and
// each canary step in examples/steps routes reviews traffic as its README says.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runTranslate } from '../../cli/commands/translate.js';
import { repoRoot } from './repo-root.js';

const BOOKINFO = path.join(repoRoot, 'examples', 'bookinfo');
const STEPS = path.join(repoRoot, 'examples', 'steps');
const PRODUCTPAGE = 'sidecar~127.0.0.11~productpage-v1-0.default~default.svc.cluster.local';
const subset = (v: string) => `outbound|9080|${v}|reviews.default.svc.cluster.local`;

interface RouteJson {
  match?: { headers?: { name: string }[] };
  route?: {
    cluster?: string;
    weighted_clusters?: { clusters: { name: string; weight: number }[] };
  };
}

/** The reviews routes productpage's sidecar gets from route config `9080`, with `vsFile` in force. */
async function reviewsRoutes(vsFile: string): Promise<RouteJson[]> {
  const files = readdirSync(BOOKINFO)
    .filter((f) => f.endsWith('.yaml') && f !== 'virtual-service-reviews.yaml')
    .map((f) => path.join(BOOKINFO, f));
  const result = await runTranslate({ file: [...files, vsFile], nodeId: PRODUCTPAGE });
  expect(result.stderr).toEqual([]);
  const dump = JSON.parse(result.stdout ?? '{}') as {
    configs: {
      dynamic_route_configs?: {
        route_config: { name: string; virtual_hosts: { name: string; routes: RouteJson[] }[] };
      }[];
    }[];
  };
  const routeConfigs = dump.configs.flatMap((c) => c.dynamic_route_configs ?? []);
  const rc = routeConfigs.find((r) => r.route_config.name === '9080')?.route_config;
  const vhost = rc?.virtual_hosts.find((v) => v.name === 'reviews.default.svc.cluster.local:9080');
  return vhost?.routes ?? [];
}

/** A route's destinations as `subset → weight`. */
function shares(route: RouteJson): Record<string, number> {
  if (route.route?.cluster) return { [route.route.cluster]: 100 };
  return Object.fromEntries(
    (route.route?.weighted_clusters?.clusters ?? []).map((c) => [c.name, c.weight]),
  );
}

describe('examples/bookinfo', () => {
  it('loads and sends all reviews traffic to v1 by default', async () => {
    const routes = await reviewsRoutes(path.join(BOOKINFO, 'virtual-service-reviews.yaml'));
    expect(routes.map(shares)).toEqual([{ [subset('v1')]: 100 }]);
  });

  it.each([
    ['all-v1.yaml', [{ [subset('v1')]: 100 }]],
    ['canary-90-10.yaml', [{ [subset('v1')]: 90, [subset('v2')]: 10 }]],
    ['canary-50-50.yaml', [{ [subset('v1')]: 50, [subset('v3')]: 50 }]],
    ['v3.yaml', [{ [subset('v3')]: 100 }]],
    ['jason-v2.yaml', [{ [subset('v2')]: 100 }, { [subset('v1')]: 100 }]],
  ])('step %s routes reviews as documented', async (step, expected) => {
    const routes = await reviewsRoutes(path.join(STEPS, step));
    expect(routes.map(shares)).toEqual(expected);
    if (step === 'jason-v2.yaml') {
      expect(routes[0].match?.headers?.map((h) => h.name)).toEqual(['end-user']);
    }
  });
});
