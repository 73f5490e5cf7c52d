// The DiscoveryServer's push paths, in-process over real ADS streams: an Endpoints change takes
// the EDS fast path (only ClusterLoadAssignments are pushed, and not re-translated for proxies
// it cannot affect), the backends of the changed service are re-translated fully, and a
// VirtualService change pushes routes only.
import { MemorySource } from './support/memory-source.js';
import { BOOKINFO, PRODUCTPAGE } from '../../translate/__tests__/world.js';
import { FakeSotwClient } from '../../xds/__tests__/fake-ads-client.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/type-urls.js';
import type { DiscoveryResponse } from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { toBinary } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { parseProxy } from '../../model/proxy-identity.js';
import { withoutMemo } from '../../translate/cache/push-memo.js';
import { translateProxy } from '../../translate/translate-proxy.js';
import { DiscoveryServer } from '../discovery-server.js';

const DETAILS = 'sidecar~10.244.1.11~details-v1-0.default~default.svc.cluster.local';
const DETAILS_CLUSTER = 'outbound|9080||details.default.svc.cluster.local';

const isDetailsEndpoints = (text: string): boolean =>
  /kind: Endpoints\s*\nmetadata:\s*\n\s+name: details\b/.test(text);
const WORLD = BOOKINFO.split(/^---$/m)
  .filter((d) => !isDetailsEndpoints(d))
  .join('---');

function detailsEndpoints(ips: string[]): string {
  return `apiVersion: v1
kind: Endpoints
metadata: {name: details, namespace: default}
subsets:
- addresses: [${ips.map((ip) => `{ip: ${ip}}`).join(', ')}]
  ports: [{name: http, port: 9080}]`;
}

const REVIEWS_VS = (v: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, port: {number: 9080}}}], timeout: ${v}}]`;

interface Proxy {
  client: FakeSotwClient;
  edsNames: string[];
}

/** Subscribes like Envoy (CDS, LDS, then EDS/RDS) and ACKs everything. */
async function connect(address: string, nodeId: string): Promise<Proxy> {
  const client = new FakeSotwClient(address, nodeId);
  client.subscribe(CLUSTER_TYPE);
  const cds = await client.nextMessage(CLUSTER_TYPE, 10_000);
  client.ack(cds);
  client.subscribe(LISTENER_TYPE);
  client.ack(await client.nextMessage(LISTENER_TYPE, 10_000));
  const edsNames = [DETAILS_CLUSTER, 'outbound|9080||reviews.default.svc.cluster.local'];
  client.subscribe(ENDPOINT_TYPE, edsNames);
  client.ack(await client.nextMessage(ENDPOINT_TYPE, 10_000), edsNames);
  client.subscribe(ROUTE_TYPE, ['9080']);
  client.ack(await client.nextMessage(ROUTE_TYPE, 10_000), ['9080']);
  return { client, edsNames };
}

function detailsAddresses(res: DiscoveryResponse): string[] {
  for (const any of res.resources) {
    const cla = anyUnpack(any, ClusterLoadAssignmentSchema);
    if (cla?.clusterName !== DETAILS_CLUSTER) continue;
    return cla.endpoints.flatMap((l) =>
      l.lbEndpoints.map((e) =>
        e.hostIdentifier.case === 'endpoint'
          ? e.hostIdentifier.value.address?.address.case === 'socketAddress'
            ? e.hostIdentifier.value.address.address.value.address
            : ''
          : '',
      ),
    );
  }
  return [];
}

describe('DiscoveryServer push paths', () => {
  let server: DiscoveryServer;
  let source: MemorySource;
  const proxies: Proxy[] = [];

  beforeAll(async () => {
    source = new MemorySource(
      new Map([
        ['world', WORLD],
        ['details-endpoints', detailsEndpoints(['10.244.1.11'])],
        ['reviews-vs', REVIEWS_VS('5s')],
      ]),
    );
    server = new DiscoveryServer({ sources: [source], debounceMs: 10, debounceMaxMs: 50 });
    await server.start();
    const port = await server.ads.listen('127.0.0.1', 0);
    proxies.push(await connect(`127.0.0.1:${port}`, PRODUCTPAGE));
    proxies.push(await connect(`127.0.0.1:${port}`, DETAILS));
  }, 30_000);

  afterAll(async () => {
    for (const p of proxies) p.client.close();
    await server.stop();
  });

  it('pushes only EDS for an Endpoints change, via the fast path where it applies', async () => {
    const pushesBefore = server.history.total;
    source.set('details-endpoints', detailsEndpoints(['10.244.1.11', '10.244.1.12']));
    const [productpage, details] = proxies;
    const eds = await productpage.client.nextMessage(ENDPOINT_TYPE, 5000);
    productpage.client.ack(eds, productpage.edsNames);
    expect(detailsAddresses(eds).sort()).toEqual(['10.244.1.11', '10.244.1.12']);
    const edsOfBackend = await details.client.nextMessage(ENDPOINT_TYPE, 5000);
    details.client.ack(edsOfBackend, details.edsNames);
    for (const p of proxies) {
      for (const type of [CLUSTER_TYPE, LISTENER_TYPE, ROUTE_TYPE]) {
        expect(await p.client.none(type, 200)).toBe(true);
      }
    }
    expect(server.history.total).toBe(pushesBefore + 1);
    const record = server.history.last();
    expect(record?.endpointOnly).toBe(true);
    expect(record?.changedProxies).toBe(2);
    // productpage took the fast path; details backs the changed service: fully re-translated.
    expect(record?.fastPathProxies).toBe(1);
  });

  it('keeps the fast-path result equal to a full translation', () => {
    // The served snapshot (patched by the fast path) against a fresh full translation.
    const served = server.cache.getSnapshot(PRODUCTPAGE);
    const proxy = parseProxy(PRODUCTPAGE, {}, server.pushContext);
    if (!served || !proxy.ok) throw new Error('productpage is not connected');
    const full = withoutMemo(() => translateProxy(proxy.value, server.pushContext));
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    const servedBytes = (typeUrl: string): string[] =>
      [...(served.get(typeUrl)?.values() ?? [])].map((r) => hex(r.bytes)).sort();
    expect(servedBytes(ENDPOINT_TYPE)).toEqual(
      full.endpoints.map((e) => hex(toBinary(ClusterLoadAssignmentSchema, e))).sort(),
    );
    expect(servedBytes(CLUSTER_TYPE)).toEqual(
      full.clusters.map((c) => hex(toBinary(ClusterSchema, c))).sort(),
    );
    expect([...(served.get(LISTENER_TYPE)?.keys() ?? [])].sort()).toEqual(
      full.listeners.map((l) => l.name).sort(),
    );
    expect([...(served.get(ENDPOINT_TYPE)?.keys() ?? [])]).toContain(DETAILS_CLUSTER);
    // config_dump re-translates on demand: the same content.
    const onDemand = server.configFor(PRODUCTPAGE);
    expect(
      onDemand?.endpoints.map((e) => hex(toBinary(ClusterLoadAssignmentSchema, e))).sort(),
    ).toEqual(servedBytes(ENDPOINT_TYPE));
  });

  it('pushes only routes for a VirtualService change', async () => {
    source.set('reviews-vs', REVIEWS_VS('7s'));
    for (const p of proxies) {
      const rds = await p.client.nextMessage(ROUTE_TYPE, 5000);
      p.client.ack(rds, ['9080']);
      expect(rds.resources).toHaveLength(1);
    }
    for (const p of proxies) {
      for (const type of [CLUSTER_TYPE, LISTENER_TYPE, ENDPOINT_TYPE]) {
        expect(await p.client.none(type, 200)).toBe(true);
      }
    }
    const record = server.history.last();
    expect(record?.endpointOnly).toBe(false);
    expect(record?.fastPathProxies).toBe(0);
    // Both proxies share one route config object: one encoding for the two of them.
    expect(record?.resourcesShared).toBeGreaterThan(0);
  });

  it('patches a VirtualService change into snapshots equal to a full translation', () => {
    // The previous push went through routingPatch (outbound listeners and routes only).
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    for (const nodeId of [PRODUCTPAGE, DETAILS]) {
      const served = server.cache.getSnapshot(nodeId);
      const proxy = parseProxy(nodeId, {}, server.pushContext);
      if (!served || !proxy.ok) throw new Error(`${nodeId} is not connected`);
      const full = withoutMemo(() => translateProxy(proxy.value, server.pushContext));
      const servedOf = (typeUrl: string): [string, string][] =>
        [...(served.get(typeUrl)?.values() ?? [])]
          .map((r): [string, string] => [r.name, hex(r.bytes)])
          .sort();
      expect(servedOf(LISTENER_TYPE)).toEqual(
        full.listeners
          .map((l): [string, string] => [l.name, hex(toBinary(ListenerSchema, l))])
          .sort(),
      );
      expect(servedOf(ROUTE_TYPE)).toEqual(
        full.routes
          .map((r): [string, string] => [r.name, hex(toBinary(RouteConfigurationSchema, r))])
          .sort(),
      );
      expect(servedOf(CLUSTER_TYPE)).toEqual(
        full.clusters
          .map((c): [string, string] => [c.name, hex(toBinary(ClusterSchema, c))])
          .sort(),
      );
    }
    const routes = server.cache.getSnapshot(PRODUCTPAGE)?.get(ROUTE_TYPE);
    expect([...(routes?.keys() ?? [])]).toContain('9080');
  });

  it('skips proxies a VirtualService change does not reach (routing fast path)', async () => {
    source.set(
      'private-vs',
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: private, namespace: other}
spec:
  hosts: [reviews.default.svc.cluster.local]
  exportTo: ['.']
  http: [{route: [{destination: {host: reviews.default.svc.cluster.local}}], timeout: 3s}]`,
    );
    const before = server.history.total;
    const deadline = Date.now() + 5000;
    while (server.history.total === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const record = server.history.last();
    expect(record?.reasons).toEqual(['VirtualService']);
    expect(record?.fastPathProxies).toBe(2);
    expect(record?.changedProxies).toBe(0);
    for (const p of proxies) {
      for (const type of [CLUSTER_TYPE, LISTENER_TYPE, ROUTE_TYPE, ENDPOINT_TYPE]) {
        expect(await p.client.none(type, 100)).toBe(true);
      }
    }
  });
});
