// VirtualService traffic policies as a proxyless gRPC client enforces them: fault injection
// (abort → the HTTP status mapped to a gRPC code by grpc-js-xds; delay against a deadline),
// retries (a workload failing half its calls recovers as 0.5^(retries+1) predicts), and route
// timeouts, which gRPC reads only from max_stream_duration. Each config change routes to a
// different subset or changes an observable behaviour, so the test knows when it is in force
// (and so no update is a map-only addition, which grpc-js-xds 1.14.1 ACKs but ignores).
import * as grpc from '@grpc/grpc-js';
import { virtualServiceDoc } from '../support/config-dir.js';
import { Mesh, pollUntil } from '../support/mesh-harness.js';
import type { CallResult, MeshClient, Tally } from '../support/xds-client.js';

const CALLS = 1000;

// Every VirtualService gets a fresh route name: a route whose only change is an added
// typed_per_filter_config entry (the fault) would be ACKed but not applied by grpc-js-xds 1.14.1.
let routeCounter = 0;
const route = (subset: string, extra: Record<string, unknown> = {}) =>
  virtualServiceDoc('reviews', [
    {
      name: `to-${subset}-${++routeCounter}`,
      route: [{ destination: { host: 'reviews', subset } }],
      ...extra,
    },
  ]);

interface ConfigDump {
  configs: { dynamic_route_configs?: { route_config: RouteConfigJson }[] }[];
}
interface RouteConfigJson {
  name: string;
  virtual_hosts: {
    routes: { name?: string; route?: { max_stream_duration?: { max_stream_duration?: string } } }[];
  }[];
}

describe('fault injection, retries and timeouts for proxyless gRPC', () => {
  let mesh: Mesh;
  let client: MeshClient;

  /** Writes the VirtualService and waits until calls show it is in force. */
  async function apply(doc: Record<string, unknown>, inForce: (t: Tally) => boolean) {
    const written = mesh.route(doc);
    return pollUntil(() => client.run(20, { concurrency: 20 }), inForce, {
      since: written,
      what: 'the new VirtualService',
    });
  }

  beforeAll(async () => {
    mesh = await Mesh.start({ initialRoutes: [route('v1')] });
    client = mesh.client();
    expect((await client.call()).code).toBe(0);
  });

  afterAll(async () => {
    await mesh?.close();
  });

  beforeEach(() => {
    for (const w of mesh.workloads.values()) {
      w.heal();
      w.attempts = 0;
    }
  });

  it('aborts 50% of calls with HTTP 503, seen by gRPC as UNAVAILABLE, never reaching the workload', async () => {
    await apply(
      route('v1', { fault: { abort: { percentage: { value: 50 }, httpStatus: 503 } } }),
      (t) => t.count('UNAVAILABLE') > 0,
    );
    const v1 = mesh.workload('v1');
    v1.attempts = 0;
    const t = await client.run(CALLS, { concurrency: 50 });
    expect(t.count('UNAVAILABLE') + t.count('OK')).toBe(CALLS);
    expect(t.count('UNAVAILABLE') / CALLS).toBeGreaterThan(0.44);
    expect(t.count('UNAVAILABLE') / CALLS).toBeLessThan(0.56);
    // Injected aborts are not retried (Envoy semantics) and never reach the server.
    expect(v1.attempts).toBe(t.count('OK'));
    expect(t.byVersion.get('v1')).toBe(t.count('OK'));
  });

  it('delays calls: a short deadline expires, a long one waits out the delay', async () => {
    await apply(
      route('v2', { fault: { delay: { percentage: { value: 100 }, fixedDelay: '250ms' } } }),
      (t) => t.share('v2') === 1,
    );
    const short = await client.run(20, { concurrency: 20, deadlineMs: 100 });
    expect(short.count('DEADLINE_EXCEEDED')).toBe(20);
    const long = await Promise.all(
      Array.from({ length: 10 }, () => client.call({ deadlineMs: 3000 })),
    );
    expect(long.every((r: CallResult) => r.code === grpc.status.OK && r.version === 'v2')).toBe(
      true,
    );
    expect(Math.min(...long.map((r) => r.ms))).toBeGreaterThanOrEqual(240);
  });

  it('retries a workload that fails half its calls: errors fall to about 0.5^(n+1)', async () => {
    const v2 = mesh.workload('v2');
    const v3 = mesh.workload('v3');

    // Retries disabled (attempts: 0): about half the calls fail, one attempt each.
    await apply(route('v2', { retries: { attempts: 0 } }), (t) => t.share('v2') === 1);
    v2.set({ failFraction: 0.5, failCode: grpc.status.UNAVAILABLE });
    v2.attempts = 0;
    const none = await client.run(CALLS, { concurrency: 50 });
    expect(none.count('UNAVAILABLE') / CALLS).toBeGreaterThan(0.43);
    expect(none.count('UNAVAILABLE') / CALLS).toBeLessThan(0.57);
    expect(v2.attempts).toBe(CALLS);

    // 3 retries on `unavailable`: 0.5^4 = 6.25% expected, ~1875 attempts.
    v3.set({ failFraction: 0.5, failCode: grpc.status.UNAVAILABLE });
    await apply(
      route('v3', { retries: { attempts: 3, retryOn: 'unavailable', perTryTimeout: '2s' } }),
      (t) => (t.byVersion.get('v3') ?? 0) > 0,
    );
    v3.attempts = 0;
    const three = await client.run(CALLS, { concurrency: 50 });
    const rate = three.count('UNAVAILABLE') / CALLS;
    console.log(
      `retries: none ${none.count('UNAVAILABLE')}/${CALLS} failed; 3 retries ${three.count('UNAVAILABLE')}/${CALLS} failed, ${v3.attempts} attempts`,
    );
    expect(three.count('OK') + three.count('UNAVAILABLE')).toBe(CALLS);
    expect(rate).toBeGreaterThan(0.02);
    expect(rate).toBeLessThan(0.11);
    expect(v3.attempts).toBeGreaterThan(1700);
    expect(v3.attempts).toBeLessThan(2050);
  });

  it('applies the route timeout through max_stream_duration', async () => {
    const v3 = mesh.workload('v3');
    v3.set({ delayMs: 400 });
    await apply(route('v3', { timeout: '0.1s' }), (t) => t.count('DEADLINE_EXCEEDED') === 20);
    const t = await Promise.all(Array.from({ length: 20 }, () => client.call()));
    expect(t.every((r) => r.code === grpc.status.DEADLINE_EXCEEDED)).toBe(true);
    // Cut by the 100 ms route timeout, long before the 400 ms answer or the 5 s call deadline.
    expect(Math.max(...t.map((r) => r.ms))).toBeLessThan(400);

    const dump = await mesh.server.getJson<ConfigDump>(
      `/debug/config_dump?proxyID=${encodeURIComponent(client.nodeId)}`,
    );
    const routes = dump.configs.flatMap((c) =>
      (c.dynamic_route_configs ?? []).flatMap((r) =>
        r.route_config.virtual_hosts.flatMap((vh) => vh.routes),
      ),
    );
    const timed = routes.find((r) => r.name === `to-v3-${routeCounter}`);
    expect(timed?.route?.max_stream_duration?.max_stream_duration).toBe('0.100s');
  });
});
