// Istio bookinfo `reviews` routing served to real proxyless gRPC clients: all traffic to v1,
// `end-user: jason` → v2 and everyone else → v3, then a v1 → v3 canary (90/10, 50/50, 100%)
// applied by editing the VirtualService file while clients keep calling. Each phase measures the
// time from the file write to the first probe batch that shows the new behaviour; the figures
// are printed (median and max) for the convergence note.
import { virtualServiceDoc, type Doc } from '../support/config-dir.js';
import { BackgroundLoad, median, Mesh, pollUntil } from '../support/mesh-harness.js';
import type { MeshClient, Tally } from '../support/xds-client.js';

const to = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight === undefined ? {} : { weight }),
});

const ALL_V1 = virtualServiceDoc('reviews', [{ route: [to('v1')] }]);
// samples/bookinfo/networking/virtual-service-reviews-jason-v2-v3.yaml
const JASON_V2_OTHERS_V3 = virtualServiceDoc('reviews', [
  { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [to('v2')] },
  { route: [to('v3')] },
]);
const weighted = (v1: number, v3: number): Doc =>
  virtualServiceDoc('reviews', [{ route: [to('v1', v1), to('v3', v3)].filter((d) => d.weight) }]);

const CALLS = 1000;
const TOLERANCE = 0.05;
const JASON = { headers: { 'end-user': 'jason' } };

function expectShares(t: Tally, expected: Record<string, number>): void {
  expect(t.failures).toBe(0);
  for (const [version, share] of Object.entries(expected)) {
    expect(Math.abs(t.share(version) - share)).toBeLessThanOrEqual(TOLERANCE);
  }
  const others = [...t.byVersion.keys()].filter((v) => !(v in expected));
  expect(others).toEqual([]);
}

describe('bookinfo reviews routing over xDS (grpc-js-xds clients)', () => {
  let mesh: Mesh;
  let client: MeshClient;

  beforeAll(async () => {
    mesh = await Mesh.start({ initialRoutes: [ALL_V1] });
    client = mesh.client();
    // The first call resolves LDS → RDS → CDS → EDS; later calls measure routing only.
    expect((await client.call()).code).toBe(0);
  });

  afterAll(async () => {
    await mesh?.close();
  });

  it('sends all traffic to v1, whatever the headers', async () => {
    const plain = await client.run(CALLS, { concurrency: 50 });
    const jason = await client.run(200, { ...JASON, concurrency: 50 });
    expect(plain.byVersion.get('v1')).toBe(CALLS);
    expect(jason.byVersion.get('v1')).toBe(200);
  });

  it('applies canary phases edited live, with no failed call, and measures convergence', async () => {
    // Clients that keep calling through every phase: any failure during a switch is a bug.
    const loadClient = mesh.client({ app: 'ratings', version: 'v1' });
    expect((await loadClient.call()).code).toBe(0);
    const plainLoad = new BackgroundLoad(loadClient, { concurrency: 2 });
    const jasonLoad = new BackgroundLoad(loadClient, { ...JASON, concurrency: 1 });

    const phases: { name: string; ms: number }[] = [];
    const phase = async (
      name: string,
      doc: Doc,
      probeSize: number,
      changed: (t: Tally) => boolean,
    ): Promise<void> => {
      const written = mesh.route(doc);
      const seen = await pollUntil(
        () => client.run(probeSize, { concurrency: probeSize }),
        changed,
        {
          since: written,
          what: `phase ${name}`,
        },
      );
      phases.push({ name, ms: seen.ms });
    };

    // jason → v2, everyone else → v3 (previously all v1).
    await phase('jason→v2, others→v3', JASON_V2_OTHERS_V3, 20, (t) => t.share('v3') === 1);
    expectShares(await client.run(CALLS, { concurrency: 50 }), { v3: 1 });
    expectShares(await client.run(CALLS, { ...JASON, concurrency: 50 }), { v2: 1 });

    // Canary v1 → v3. Each detector is practically impossible under the previous phase.
    await phase('v1 90 / v3 10', weighted(90, 10), 20, (t) => t.share('v1') >= 0.5);
    expectShares(await client.run(CALLS, { concurrency: 50 }), { v1: 0.9, v3: 0.1 });

    await phase('v1 50 / v3 50', weighted(50, 50), 40, (t) => t.share('v3') >= 0.35);
    expectShares(await client.run(CALLS, { concurrency: 50 }), { v1: 0.5, v3: 0.5 });

    await phase('v3 100', weighted(0, 100), 40, (t) => t.share('v3') === 1);
    expectShares(await client.run(CALLS, { concurrency: 50 }), { v3: 1 });

    // Rollback to the starting point.
    await phase('rollback: all v1', ALL_V1, 20, (t) => t.share('v1') === 1);
    expectShares(await client.run(CALLS, { concurrency: 50 }), { v1: 1 });

    const plain = await plainLoad.stop();
    const jason = await jasonLoad.stop();
    expect(plainLoad.failures).toEqual([]);
    expect(jasonLoad.failures).toEqual([]);
    expect(plain.total).toBeGreaterThan(100);
    // jason saw v2 while the jason rule was in force, and only known versions otherwise.
    expect(jason.byVersion.get('v2')).toBeGreaterThan(0);

    const times = phases.map((p) => p.ms);
    const summary = {
      phases: phases.map((p) => ({ phase: p.name, ms: Math.round(p.ms) })),
      medianMs: Math.round(median(times)),
      maxMs: Math.round(Math.max(...times)),
    };
    console.log(
      `convergence (file write → client behaviour changed):\n${JSON.stringify(summary, null, 2)}`,
    );
    expect(phases).toHaveLength(5);
    // Two debounce windows (file 100 ms + push 100 ms) plus the push: well under a few seconds.
    expect(summary.maxMs).toBeLessThan(3000);
  });
});
