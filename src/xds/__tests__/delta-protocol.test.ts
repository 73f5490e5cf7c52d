// Incremental (Delta) ADS semantics over real gRPC: subscribe, unsubscribe, removals, reconnects.
import type { DeltaDiscoveryResponse } from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { buildSnapshot } from '../snapshot-cache.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../type-urls.js';
import { cluster, endpoints, listener, routeConfig } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const NODE = 'sidecar~10.0.0.2~reviews-v1-xyz.default~default.svc.cluster.local';
const names = (r: DeltaDiscoveryResponse) => r.resources.map((x) => x.name);

describe('Delta ADS over a real gRPC connection', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('sends every resource of a wildcard type with per-resource versions, then only what changed', async () => {
    h = await startHarness();
    const c1 = cluster('c1');
    h.cache.setSnapshot(NODE, buildSnapshot([c1, cluster('c2')]));
    const c = h.delta(NODE);
    c.send({ typeUrl: CLUSTER_TYPE });
    const first = await c.nextMessage(CLUSTER_TYPE);
    expect(names(first)).toEqual(['c1', 'c2']);
    expect(first.resources[0].version).toBe(c1.version);
    expect(first.resources[0].resource?.typeUrl).toBe(CLUSTER_TYPE);
    expect(first.systemVersionInfo).not.toBe('');
    expect(first.removedResources).toEqual([]);
    c.ack(first);

    h.cache.setSnapshot(NODE, buildSnapshot([c1, cluster('c2', 2), cluster('c3')]));
    const second = await c.nextMessage(CLUSTER_TYPE);
    expect(names(second)).toEqual(['c2', 'c3']);
    expect(second.systemVersionInfo).not.toBe(first.systemVersionInfo);
    c.ack(second);

    h.cache.setSnapshot(NODE, buildSnapshot([c1, cluster('c3')]));
    const third = await c.nextMessage(CLUSTER_TYPE);
    expect(third.resources).toEqual([]);
    expect(third.removedResources).toEqual(['c2']);
    expect(Number(third.nonce)).toBeGreaterThan(Number(second.nonce));
    expect(Number(second.nonce)).toBeGreaterThan(Number(first.nonce));
  });

  it('answers the first request of a type even when there is nothing to send', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, buildSnapshot([]));
    const c = h.delta(NODE);
    c.send({ typeUrl: LISTENER_TYPE });
    const r = await c.nextMessage(LISTENER_TYPE);
    expect(r.resources).toEqual([]);
  });

  it('handles subscribe and unsubscribe of named resources, including names that appear later', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, buildSnapshot([endpoints('c1'), endpoints('c2')]));
    const c = h.delta(NODE);
    c.send({ typeUrl: ENDPOINT_TYPE, resourceNamesSubscribe: ['c1', 'later'] });
    const first = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(first)).toEqual(['c1']);
    c.ack(first);

    c.send({ typeUrl: ENDPOINT_TYPE, resourceNamesSubscribe: ['c2'] });
    const second = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(second)).toEqual(['c2']);
    c.ack(second);

    c.send({ typeUrl: ENDPOINT_TYPE, resourceNamesUnsubscribe: ['c1'] });
    expect(await c.none(ENDPOINT_TYPE, 200)).toBe(true);
    // c1 changes after the unsubscribe: not sent. `later` appears: sent.
    h.cache.setSnapshot(
      NODE,
      buildSnapshot([endpoints('c1', 1), endpoints('c2'), endpoints('later')]),
    );
    const third = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(third)).toEqual(['later']);
    c.ack(third);
    // Re-subscribing c1 sends it again (the client forgot it).
    c.send({ typeUrl: ENDPOINT_TYPE, resourceNamesSubscribe: ['c1'] });
    expect(names(await c.nextMessage(ENDPOINT_TYPE))).toEqual(['c1']);
    expect(h.server.status.list()[0].types.get(ENDPOINT_TYPE)?.names).toEqual([
      'c1',
      'c2',
      'later',
    ]);
  });

  it('on reconnect with initial_resource_versions sends only what differs and removes what is gone', async () => {
    h = await startHarness();
    const same = cluster('same');
    h.cache.setSnapshot(NODE, buildSnapshot([same, cluster('changed', 2), cluster('new')]));
    const c = h.delta(NODE);
    c.send({
      typeUrl: CLUSTER_TYPE,
      initialResourceVersions: {
        same: same.version,
        changed: cluster('changed', 1).version,
        gone: 'abc',
      },
    });
    const r = await c.nextMessage(CLUSTER_TYPE);
    expect(names(r)).toEqual(['changed', 'new']);
    expect(r.removedResources).toEqual(['gone']);
  });

  it('records NACKs, keeps ACK gating, and coalesces changes while a response is un-ACKed', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1')]));
    const c = h.delta(NODE);
    c.send({ typeUrl: CLUSTER_TYPE });
    const first = await c.nextMessage(CLUSTER_TYPE);
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), cluster('a')]));
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), cluster('b')]));
    expect(await c.none(CLUSTER_TYPE, 200)).toBe(true);
    c.nack(first, 'bad cluster c1');
    const next = await c.nextMessage(CLUSTER_TYPE);
    expect(names(next)).toEqual(['b']);
    expect(next.removedResources).toEqual([]);
    const t = h.server.status.list()[0].types.get(CLUSTER_TYPE);
    expect(t?.lastNack).toMatchObject({
      nonce: first.nonce,
      message: 'bad cluster c1',
      version: first.systemVersionInfo,
    });
    // A stale nonce is not an ACK: the un-ACKed `next` still blocks.
    c.send({ typeUrl: CLUSTER_TYPE, responseNonce: first.nonce });
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), cluster('b'), cluster('z')]));
    expect(await c.none(CLUSTER_TYPE, 200)).toBe(true);
    c.ack(next);
    expect(names(await c.nextMessage(CLUSTER_TYPE))).toEqual(['z']);
  });

  it('pushes in CDS, EDS, LDS, RDS order and resends EDS for updated clusters', async () => {
    h = await startHarness();
    const snap = (rev: number, clusterRev = rev) =>
      buildSnapshot([
        cluster('c1', clusterRev),
        endpoints('c1', 8000 + rev),
        endpoints('c2'),
        listener('0.0.0.0_9080', 9000 + rev),
        routeConfig('9080', rev > 1 ? 'c2' : 'c1'),
      ]);
    h.cache.setSnapshot(NODE, snap(1));
    const c = h.delta(NODE);
    c.send({ typeUrl: CLUSTER_TYPE });
    c.send({ typeUrl: ENDPOINT_TYPE, resourceNamesSubscribe: ['c1', 'c2'] });
    c.send({ typeUrl: LISTENER_TYPE });
    c.send({ typeUrl: ROUTE_TYPE, resourceNamesSubscribe: ['9080'] });
    for (const t of [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE])
      c.ack(await c.nextMessage(t));
    await new Promise((r) => setTimeout(r, 100));
    // ACK anything that arrived in between (e.g. the warming EDS resend).
    while (c.received.unread(ENDPOINT_TYPE) > 0) c.ack(await c.nextMessage(ENDPOINT_TYPE));
    await new Promise((r) => setTimeout(r, 50));
    const before = c.received.all.length;

    h.cache.setSnapshot(NODE, snap(2));
    const got = new Map<string, DeltaDiscoveryResponse>();
    for (const t of [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE])
      got.set(t, await c.nextMessage(t));
    expect(c.received.all.slice(before).map((r) => r.message.typeUrl)).toEqual([
      CLUSTER_TYPE,
      ENDPOINT_TYPE,
      LISTENER_TYPE,
      ROUTE_TYPE,
    ]);
    expect(names(got.get(ENDPOINT_TYPE) as DeltaDiscoveryResponse)).toEqual(['c1']);

    // A cluster-only change: EDS for that cluster follows even though its endpoints did not change.
    c.ack(got.get(CLUSTER_TYPE) as DeltaDiscoveryResponse);
    c.ack(got.get(ENDPOINT_TYPE) as DeltaDiscoveryResponse);
    await new Promise((r) => setTimeout(r, 50));
    h.cache.setSnapshot(NODE, snap(2, 9));
    expect(names(await c.nextMessage(CLUSTER_TYPE))).toEqual(['c1']);
    const warm = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(warm)).toEqual(['c1']);
    expect(await c.none(LISTENER_TYPE, 100)).toBe(true);
  });
});
