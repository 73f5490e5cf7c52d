// State-of-the-World ADS semantics (ACK/NACK, nonces, subscriptions, push order) over real gRPC.
import { createRegistry } from '@bufbuild/protobuf';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { SecretSchema } from '../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import type { DiscoveryResponse } from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { buildSnapshot } from '../snapshot-cache.js';
import type { XdsResource } from '../resource.js';
import {
  CLUSTER_TYPE,
  ENDPOINT_TYPE,
  LISTENER_TYPE,
  ROUTE_TYPE,
  SECRET_TYPE,
} from '../type-urls.js';
import { startHarness, type Harness } from './harness.js';
import { cluster, endpoints, listener, routeConfig, secret } from './fixtures.js';

const NODE = 'sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local';
const registry = createRegistry(
  ClusterSchema,
  ClusterLoadAssignmentSchema,
  ListenerSchema,
  RouteConfigurationSchema,
  SecretSchema,
);

/** The names of the resources in a response, decoded with the generated schemas. */
function names(r: DiscoveryResponse): string[] {
  return r.resources.map((any) => {
    const msg: unknown = anyUnpack(any, registry);
    if (typeof msg !== 'object' || msg === null) throw new Error(`unknown type ${any.typeUrl}`);
    const named = msg as { clusterName?: unknown; name?: unknown };
    return String(any.typeUrl === ENDPOINT_TYPE ? named.clusterName : named.name);
  });
}

function fullSet(extra: XdsResource[] = []) {
  return buildSnapshot([
    cluster('c1'),
    cluster('c2'),
    endpoints('c1'),
    endpoints('c2'),
    listener('0.0.0.0_9080'),
    routeConfig('9080', 'c1'),
    ...extra,
  ]);
}

describe('SotW ADS over a real gRPC connection', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('remembers the node of the first request and lets the caller build the snapshot lazily', async () => {
    const opened: string[] = [];
    h = await startHarness({
      onStreamOpen: async (node) => {
        opened.push(node.id);
        await new Promise((r) => setTimeout(r, 50));
        h.cache.setSnapshot(`key:${node.id}`, fullSet());
        return `key:${node.id}`;
      },
    });
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    c.subscribe(LISTENER_TYPE); // sent while onStreamOpen is still running, without a node
    const cds = await c.nextMessage(CLUSTER_TYPE);
    const lds = await c.nextMessage(LISTENER_TYPE);
    expect(names(cds)).toEqual(['c1', 'c2']);
    expect(names(lds)).toEqual(['0.0.0.0_9080']);
    expect(opened).toEqual([NODE]);
    const [conn] = h.server.status.list();
    expect(conn.nodeId).toBe(`key:${NODE}`);
    expect(conn.types.get(CLUSTER_TYPE)?.wildcard).toBe(true);
  });

  it('rejects a stream whose first request has no node', async () => {
    h = await startHarness();
    const c = h.sotw(NODE);
    // Bypass the client's node-on-first-request behaviour.
    (c as unknown as { nodeSent: boolean }).nodeSent = true;
    c.subscribe(CLUSTER_TYPE);
    const status = await c.closed;
    expect(status.code).toBe(3); // INVALID_ARGUMENT
    expect(status.details).toMatch(/node/);
  });

  it('answers a wildcard CDS request with the full set, echoes versions, and uses increasing unique nonces', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, fullSet());
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    const first = await c.nextMessage(CLUSTER_TYPE);
    expect(first.typeUrl).toBe(CLUSTER_TYPE);
    expect(names(first)).toEqual(['c1', 'c2']);
    expect(first.versionInfo).not.toBe('');
    c.ack(first);
    expect(await c.none(CLUSTER_TYPE, 200)).toBe(true);

    // Removal and addition: the full set goes out again (an omission deletes for CDS).
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c2'), cluster('c3')]));
    const second = await c.nextMessage(CLUSTER_TYPE);
    expect(names(second)).toEqual(['c2', 'c3']);
    expect(second.versionInfo).not.toBe(first.versionInfo);
    expect(Number(second.nonce)).toBeGreaterThan(Number(first.nonce));
    c.ack(second);

    const st = h.server.status.byNode(NODE)[0].types.get(CLUSTER_TYPE);
    await waitFor(() => st?.lastAck?.nonce === second.nonce);
    expect(st?.lastAck?.version).toBe(second.versionInfo);
    expect(st?.lastSent?.nonce).toBe(second.nonce);
    expect(st?.lastSent?.resourceCount).toBe(2);

    // The same content again (a different object) produces no push.
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c2'), cluster('c3')]));
    expect(await c.none(CLUSTER_TYPE, 200)).toBe(true);
    const nonces = c.received.all.map((r) => Number(r.message.nonce));
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('records a NACK per node and type, keeps the last good config and does not resend it', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, fullSet());
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    const good = await c.nextMessage(CLUSTER_TYPE);
    c.ack(good);
    h.cache.setSnapshot(NODE, fullSet([cluster('bad')]));
    const bad = await c.nextMessage(CLUSTER_TYPE);
    expect(names(bad)).toContain('bad');
    c.nack(bad, good.versionInfo, 'cluster bad: unsupported lb_policy');
    expect(await c.none(CLUSTER_TYPE, 250)).toBe(true);

    const t = h.server.status.byNode(NODE)[0].types.get(CLUSTER_TYPE);
    expect(t?.lastNack).toMatchObject({
      version: good.versionInfo,
      nonce: bad.nonce,
      message: 'cluster bad: unsupported lb_policy',
    });
    expect(t?.lastAck?.version).toBe(good.versionInfo);
    expect(h.server.status.lastNacks(NODE).get(CLUSTER_TYPE)?.message).toMatch(/unsupported/);
    expect(h.server.status.counters.nacks).toBe(1);

    // A fix is pushed normally after the NACK.
    h.cache.setSnapshot(NODE, fullSet([cluster('bad', 2)]));
    const fixed = await c.nextMessage(CLUSTER_TYPE);
    expect(fixed.versionInfo).not.toBe(bad.versionInfo);
  });

  it('ignores a request carrying a stale nonce', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, fullSet());
    const c = h.sotw(NODE);
    c.subscribe(ENDPOINT_TYPE, ['c1']);
    const first = await c.nextMessage(ENDPOINT_TYPE);
    c.ack(first, ['c1']);
    h.cache.setSnapshot(NODE, buildSnapshot([endpoints('c1', 9000), endpoints('c2')]));
    const second = await c.nextMessage(ENDPOINT_TYPE);
    // A late request answering the first response, subscribing a new name: ignored.
    c.send({
      typeUrl: ENDPOINT_TYPE,
      versionInfo: first.versionInfo,
      responseNonce: first.nonce,
      resourceNames: ['c1', 'c2'],
    });
    expect(await c.none(ENDPOINT_TYPE, 250)).toBe(true);
    // The same change with the current nonce is honoured.
    c.send({
      typeUrl: ENDPOINT_TYPE,
      versionInfo: second.versionInfo,
      responseNonce: second.nonce,
      resourceNames: ['c1', 'c2'],
    });
    const third = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(third)).toEqual(['c1', 'c2']);
  });

  it('serves named subscriptions: only existing names, deduplicated, and missing ones once they appear', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, fullSet());
    const c = h.sotw(NODE);
    c.subscribe(ROUTE_TYPE, ['9080', '9080', '8080']);
    const first = await c.nextMessage(ROUTE_TYPE);
    expect(names(first)).toEqual(['9080']);
    c.ack(first, ['9080', '8080']);
    // A route nobody subscribed to appears: nothing to send.
    h.cache.setSnapshot(NODE, fullSet([routeConfig('7070', 'c1')]));
    expect(await c.none(ROUTE_TYPE, 200)).toBe(true);
    h.cache.setSnapshot(NODE, fullSet([routeConfig('7070', 'c1'), routeConfig('8080', 'c2')]));
    const second = await c.nextMessage(ROUTE_TYPE);
    expect(names(second)).toEqual(['8080', '9080']);
  });

  it('sends a named LDS subscription (proxyless gRPC) the full subscribed set', async () => {
    h = await startHarness();
    const a = listener('reviews.default.svc.cluster.local:9080');
    const b = listener('ratings.default.svc.cluster.local:9080', 9081);
    h.cache.setSnapshot(NODE, buildSnapshot([a, b, listener('other:1')]));
    const c = h.sotw(NODE);
    c.subscribe(LISTENER_TYPE, [a.name]);
    const first = await c.nextMessage(LISTENER_TYPE);
    expect(names(first)).toEqual([a.name]);
    c.ack(first, [a.name, b.name]);
    const second = await c.nextMessage(LISTENER_TYPE);
    expect(names(second)).toEqual([b.name, a.name]);
    expect(h.server.status.list()[0].types.get(LISTENER_TYPE)).toMatchObject({
      wildcard: false,
      names: [b.name, a.name],
    });
  });

  it('pushes CDS, EDS, LDS, RDS in that order and resends EDS after a cluster change', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, fullSet());
    const c = h.sotw(NODE);
    // Subscribe in the "wrong" order; responses to initial requests follow request order.
    c.subscribe(ROUTE_TYPE, ['9080']);
    c.subscribe(LISTENER_TYPE);
    c.subscribe(ENDPOINT_TYPE, ['c1', 'c2']);
    c.subscribe(CLUSTER_TYPE);
    for (const t of [ROUTE_TYPE, LISTENER_TYPE, ENDPOINT_TYPE, CLUSTER_TYPE]) {
      const r = await c.nextMessage(t);
      c.ack(r, t === ROUTE_TYPE ? ['9080'] : t === ENDPOINT_TYPE ? ['c1', 'c2'] : []);
    }
    // The CDS response also forced an EDS resend; ACK it.
    const warm = await c.nextMessage(ENDPOINT_TYPE);
    c.ack(warm, ['c1', 'c2']);
    await new Promise((r) => setTimeout(r, 100));
    const before = c.received.all.length;

    h.cache.setSnapshot(
      NODE,
      buildSnapshot([
        cluster('c1', 2),
        cluster('c2'),
        endpoints('c1', 9999),
        endpoints('c2'),
        listener('0.0.0.0_9080', 9090),
        routeConfig('9080', 'c2'),
      ]),
    );
    for (const t of [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE])
      await c.nextMessage(t);
    const order = c.received.all.slice(before).map((r) => r.message.typeUrl);
    expect(order).toEqual([CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE]);
  });

  it('resends EDS after a cluster-only change, so Envoy can finish warming', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, fullSet());
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    const cds = await c.nextMessage(CLUSTER_TYPE);
    c.ack(cds);
    c.subscribe(ENDPOINT_TYPE, ['c1', 'c2']);
    const eds = await c.nextMessage(ENDPOINT_TYPE);
    c.ack(eds, ['c1', 'c2']);
    expect(await c.none(ENDPOINT_TYPE, 150)).toBe(true);

    h.cache.setSnapshot(NODE, fullSet([cluster('c2', 7)]));
    const cds2 = await c.nextMessage(CLUSTER_TYPE);
    const eds2 = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(eds2)).toEqual(['c1', 'c2']);
    expect(eds2.versionInfo).toBe(eds.versionInfo); // unchanged content, sent anyway
    expect(Number(eds2.nonce)).toBeGreaterThan(Number(cds2.nonce));
  });

  it('keeps at most one un-ACKed response per type and coalesces changes until the ACK', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, fullSet());
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    const first = await c.nextMessage(CLUSTER_TYPE);
    // No ACK yet: three changes in a row.
    h.cache.setSnapshot(NODE, fullSet([cluster('x1')]));
    h.cache.setSnapshot(NODE, fullSet([cluster('x2')]));
    h.cache.setSnapshot(NODE, fullSet([cluster('x3')]));
    expect(await c.none(CLUSTER_TYPE, 250)).toBe(true);
    c.ack(first);
    const latest = await c.nextMessage(CLUSTER_TYPE);
    expect(names(latest)).toEqual(['c1', 'c2', 'x3']);
    expect(await c.none(CLUSTER_TYPE, 200)).toBe(true);

    // A change reverted before the ACK sends nothing more.
    h.cache.setSnapshot(NODE, fullSet([cluster('y')]));
    h.cache.setSnapshot(NODE, fullSet([cluster('x3')]));
    c.ack(latest);
    expect(await c.none(CLUSTER_TYPE, 250)).toBe(true);
  });

  it('holds later pushes behind an un-ACKed earlier type, but answers the client’s own requests', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, fullSet());
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    c.subscribe(LISTENER_TYPE);
    const cds = await c.nextMessage(CLUSTER_TYPE);
    c.ack(await c.nextMessage(LISTENER_TYPE));
    // CDS is un-ACKed; clusters and listeners change.
    h.cache.setSnapshot(NODE, fullSet([cluster('c9'), listener('0.0.0.0_8080', 8080)]));
    // The new listener may reference c9: it must not overtake the pending CDS update.
    expect(await c.none(LISTENER_TYPE, 200)).toBe(true);
    // A request of the client's own is answered at once.
    c.subscribe(ENDPOINT_TYPE, ['c1']);
    const eds = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(eds)).toEqual(['c1']);
    c.ack(eds, ['c1']);
    c.ack(cds);
    const cds2 = await c.nextMessage(CLUSTER_TYPE);
    expect(names(cds2)).toContain('c9');
    const lds2 = await c.nextMessage(LISTENER_TYPE);
    expect(Number(lds2.nonce)).toBeGreaterThan(Number(cds2.nonce));
  });

  it('serves other types (SDS) generically', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, buildSnapshot([secret('default'), secret('ROOTCA')]));
    const c = h.sotw(NODE);
    c.subscribe(SECRET_TYPE, ['default']);
    const r = await c.nextMessage(SECRET_TYPE);
    expect(r.resources.map((a) => a.typeUrl)).toEqual([SECRET_TYPE]);
    expect(names(r)).toEqual(['default']);
  });

  it('answers a reconnect normally, or skips it when resuming on a matching version', async () => {
    h = await startHarness({ resumeSotwOnMatchingVersion: true });
    h.cache.setSnapshot(NODE, fullSet());
    const c1 = h.sotw(NODE);
    c1.subscribe(CLUSTER_TYPE);
    const first = await c1.nextMessage(CLUSTER_TYPE);
    c1.close();

    const c2 = h.sotw(NODE);
    c2.subscribe(CLUSTER_TYPE, [], first.versionInfo);
    expect(await c2.none(CLUSTER_TYPE, 250)).toBe(true);
    h.cache.setSnapshot(NODE, fullSet([cluster('new')]));
    expect(names(await c2.nextMessage(CLUSTER_TYPE))).toContain('new');

    const c3 = h.sotw(NODE);
    c3.subscribe(CLUSTER_TYPE, [], 'some-old-version');
    expect(names(await c3.nextMessage(CLUSTER_TYPE))).toContain('new');
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
