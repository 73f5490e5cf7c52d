// Endpoints churn under load: a v4 pod is added to the Endpoints (and Pods) file and v1 is
// removed while clients keep calling the plain service (round robin over every endpoint).
// After convergence no call reaches the removed pod, even once it is gone, and no call fails.
import { virtualServiceDoc } from '../support/config-dir.js';
import { BackgroundLoad, median, Mesh, pollUntil } from '../support/mesh-harness.js';
import type { MeshClient } from '../support/xds-client.js';

const CALLS = 1000;
const ALL_ENDPOINTS = virtualServiceDoc('reviews', [
  { route: [{ destination: { host: 'reviews' } }] },
]);

describe('endpoints churn with running proxyless clients', () => {
  let mesh: Mesh;
  let client: MeshClient;

  beforeAll(async () => {
    mesh = await Mesh.start({ initialRoutes: [ALL_ENDPOINTS] });
    client = mesh.client();
    expect((await client.call()).code).toBe(0);
  });

  afterAll(async () => {
    await mesh?.close();
  });

  it('adds v4 and removes v1 without a failed call; nothing reaches v1 afterwards', async () => {
    const before = await client.run(300, { concurrency: 30 });
    expect([...before.byVersion.keys()].sort()).toEqual(['v1', 'v2', 'v3']);

    const loadClient = mesh.client({ app: 'ratings', version: 'v1' });
    expect((await loadClient.call()).code).toBe(0);
    const load = new BackgroundLoad(loadClient, { concurrency: 4 });
    const times: number[] = [];

    await mesh.addWorkload('v4');
    const added = await pollUntil(
      () => client.run(30, { concurrency: 30 }),
      (t) => (t.byVersion.get('v4') ?? 0) > 0,
      { since: mesh.publishEndpoints(['v1', 'v2', 'v3', 'v4']), what: 'v4 to receive calls' },
    );
    times.push(added.ms);

    const removed = await pollUntil(
      () => client.run(40, { concurrency: 40 }),
      (t) => !t.byVersion.has('v1'),
      { since: mesh.publishEndpoints(['v2', 'v3', 'v4']), what: 'v1 to stop receiving calls' },
    );
    times.push(removed.ms);

    // Converged: the removed pod sees nothing, then goes away for good; nobody notices.
    const v1 = mesh.workload('v1');
    v1.attempts = 0;
    const after = await client.run(CALLS, { concurrency: 50 });
    expect(v1.attempts).toBe(0);
    await v1.stop();
    const afterStop = await client.run(CALLS, { concurrency: 50 });

    const total = await load.stop();
    console.log(
      `endpoints churn: add v4 seen after ${Math.round(added.ms)} ms, v1 removal after ${Math.round(removed.ms)} ms (median ${Math.round(median(times))} ms); background ${JSON.stringify(total)}`,
    );
    for (const t of [after, afterStop]) {
      expect(t.failures).toBe(0);
      expect([...t.byVersion.keys()].sort()).toEqual(['v2', 'v3', 'v4']);
      for (const v of ['v2', 'v3', 'v4']) expect(Math.abs(t.share(v) - 1 / 3)).toBeLessThan(0.06);
    }
    expect(load.failures).toEqual([]);
    expect(total.byVersion.get('v4')).toBeGreaterThan(0);
  });
});
