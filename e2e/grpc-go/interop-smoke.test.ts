// grpc-go's xDS interop client as a second, independent data plane (issue #4), proven against a
// throw-away ADS responder (minimal-ads.ts) before the real server takes its place. Three grpc-go
// interop servers play reviews v1/v2/v3; the client dials xds:///reviews.default.svc.cluster.local:9080
// and its LoadBalancerStatsService tells which version answered each RPC.
// Needs the binaries from scripts/build-grpc-go-xds-client.sh: without them every test fails.
import { GrpcGoXdsClient, shares, type LoadBalancerStats } from '../support/grpc-go-client.js';
import { startGrpcGoServers, type GrpcGoServer } from '../support/grpc-go-server.js';
import {
  startInteropTestService,
  type InteropTestService,
} from '../support/grpc-go-test-service.js';
import { MinimalAds } from './minimal-ads.js';
import {
  CLUSTER_TYPE,
  ENDPOINT_TYPE,
  LISTENER_TYPE,
  TARGET,
  cluster,
  endpoints,
  listener,
  type RoutingPlan,
} from './reviews-resources.js';

const SUBSETS = ['v1', 'v2', 'v3'] as const;
const RPCS = 1000;
/** 1000 draws at p=0.8 have a standard deviation of 1.3 points: 6 points is > 4 sigma. */
const TOLERANCE = 0.06;
const TIMEOUT_MS = 60_000;

let ads: MinimalAds;
let adsAddress: string;
let servers: GrpcGoServer[] = [];
const clients: GrpcGoXdsClient[] = [];
const pods: InteropTestService[] = [];

function push(plan: RoutingPlan): string {
  return ads.set({ [LISTENER_TYPE]: [listener(plan)] });
}

async function startClient(headers: Record<string, string> = {}): Promise<GrpcGoXdsClient> {
  const client = await GrpcGoXdsClient.start({
    xdsServer: adsAddress,
    target: TARGET,
    qps: 250,
    headers,
    nodeId: `sidecar~127.0.0.1~grpc-go-${clients.length}.default~default.svc.cluster.local`,
  });
  clients.push(client);
  return client;
}

/** Waits until RPCs succeed (xDS resolved), then samples RPCS calls. */
async function distribution(client: GrpcGoXdsClient): Promise<LoadBalancerStats> {
  await client.waitForStats((s) => s.numFailures === 0 && Object.keys(s.rpcsByPeer).length > 0);
  return client.getClientStats(RPCS, 30);
}

beforeAll(async () => {
  servers = await startGrpcGoServers(
    SUBSETS.map((v, i) => ({ hostname: `reviews-${v}`, ip: `127.0.0.${11 + i}` })),
  );
  ads = new MinimalAds();
  adsAddress = await ads.start();
  ads.set({
    [CLUSTER_TYPE]: SUBSETS.map(cluster),
    [ENDPOINT_TYPE]: SUBSETS.map((v, i) =>
      endpoints(v, [{ ip: servers[i].ip, port: servers[i].port }]),
    ),
  });
  push({ jason: 'v2', weights: { v1: 80, v3: 20 } });
}, TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await ads?.stop();
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(pods.map((p) => p.stop()));
}, TIMEOUT_MS);

describe('grpc-go xDS interop client against a minimal ADS server', () => {
  it(
    'splits traffic 80/20 between v1 and v3 and never reaches v2 without the header',
    async () => {
      const client = await startClient();
      const stats = await distribution(client);
      const share = shares(stats);

      expect(stats.numFailures).toBe(0);
      expect(Object.values(stats.rpcsByPeer).reduce((a, b) => a + b, 0)).toBe(RPCS);
      expect(Object.keys(stats.rpcsByPeer).sort()).toEqual(['reviews-v1', 'reviews-v3']);
      expect(Math.abs(share['reviews-v1'] - 0.8)).toBeLessThan(TOLERANCE);
      expect(Math.abs(share['reviews-v3'] - 0.2)).toBeLessThan(TOLERANCE);
      expect(stats.rpcsByMethod.UnaryCall).toEqual(stats.rpcsByPeer);
    },
    TIMEOUT_MS,
  );

  it(
    'routes every request with end-user: jason to v2',
    async () => {
      const client = await startClient({ 'end-user': 'jason' });
      const stats = await distribution(client);

      expect(stats.numFailures).toBe(0);
      expect(stats.rpcsByPeer).toEqual({ 'reviews-v2': RPCS });
    },
    TIMEOUT_MS,
  );

  it(
    'follows a pushed weight change to 50/50 after ACKing it',
    async () => {
      const client = clients[0] ?? (await startClient());
      const version = push({ jason: 'v2', weights: { v1: 50, v3: 50 } });
      await ads.waitForAck(LISTENER_TYPE, version);

      // The ACK precedes the picker swap by a few ms: wait for the new split to show, then measure.
      await client.waitForStats((s) => shares(s)['reviews-v3'] > 0.35, { numRpcs: 100 });
      const stats = await client.getClientStats(RPCS, 30);
      const share = shares(stats);

      expect(stats.numFailures).toBe(0);
      expect(Math.abs(share['reviews-v1'] - 0.5)).toBeLessThan(TOLERANCE + 0.02);
      expect(Math.abs(share['reviews-v3'] - 0.5)).toBeLessThan(TOLERANCE + 0.02);
      expect(ads.acks.filter((a) => a.nack)).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'sends everything to one version at 100% weight',
    async () => {
      const client = clients[0] ?? (await startClient());
      const version = push({ jason: 'v2', weights: { v3: 100 } });
      await ads.waitForAck(LISTENER_TYPE, version);

      await client.waitForStats((s) => s.rpcsByPeer['reviews-v3'] === 20);
      const stats = await client.getClientStats(500, 30);
      expect(stats.rpcsByPeer).toEqual({ 'reviews-v3': 500 });
    },
    TIMEOUT_MS,
  );

  it(
    'round-robins over grpc-js pods that share one port on distinct loopback IPs',
    async () => {
      const client = clients[0] ?? (await startClient());
      const first = await startInteropTestService({
        hostname: 'reviews-v1-a',
        ip: '127.0.0.21',
        port: 0,
      });
      pods.push(first);
      pods.push(
        await startInteropTestService({
          hostname: 'reviews-v1-b',
          ip: '127.0.0.22',
          port: first.port,
        }),
      );
      ads.set({
        [ENDPOINT_TYPE]: [
          endpoints(
            'v1',
            pods.map(({ ip, port }) => ({ ip, port })),
          ),
        ],
      });
      const version = push({ jason: 'v2', weights: { v1: 100 } });
      await ads.waitForAck(LISTENER_TYPE, version);

      await client.waitForStats(
        (s) => s.rpcsByPeer['reviews-v1-a'] > 0 && s.rpcsByPeer['reviews-v1-b'] > 0,
      );
      const stats = await client.getClientStats(400, 30);
      const share = shares(stats);

      expect(Object.keys(stats.rpcsByPeer).sort()).toEqual(['reviews-v1-a', 'reviews-v1-b']);
      expect(Math.abs(share['reviews-v1-a'] - 0.5)).toBeLessThan(0.05);
      expect(pods.every((p) => p.calls() >= 150)).toBe(true);
    },
    TIMEOUT_MS,
  );
});
