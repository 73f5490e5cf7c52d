// ADS server start/stop, stream cleanup, and isolation between nodes.
import { create } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { StreamInfo } from '../ads-server.js';
import { encodeResource } from '../resource.js';
import { buildSnapshot } from '../snapshot-cache.js';
import { CLUSTER_TYPE } from '../type-urls.js';
import { cluster } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const NODE = 'sidecar~10.0.0.3~ratings-v1-1.default~default.svc.cluster.local';

/** A cluster of about `mib` MiB, far above HTTP/2 flow-control windows. */
function hugeCluster(name: string, mib: number, rev: number) {
  return encodeResource(
    ClusterSchema,
    create(ClusterSchema, { name, altStatName: `${rev}`.padEnd(mib * 1024 * 1024, 'x') }),
    name,
  );
}

describe('ADS server lifecycle and isolation', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('a stuck client (never reads, never ACKs) does not delay another client', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1')]));
    const stuck = h.sotw(NODE);
    const healthy = h.sotw(NODE);
    stuck.subscribe(CLUSTER_TYPE);
    healthy.subscribe(CLUSTER_TYPE);
    stuck.ack(await stuck.nextMessage(CLUSTER_TYPE));
    const initial = await healthy.nextMessage(CLUSTER_TYPE);
    healthy.ack(initial);
    await new Promise((r) => setTimeout(r, 50));
    // From now on the stuck client reads nothing: the next 4 MiB response fills its buffers.
    stuck.pause();

    let lastAcked = initial;
    for (let rev = 1; rev <= 5; rev++) {
      const started = Date.now();
      h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), hugeCluster('big', 4, rev)]));
      // Notifying both streams is synchronous and cheap: no waiting on the stuck one.
      expect(Date.now() - started).toBeLessThan(250);
      const r = await healthy.nextMessage(CLUSTER_TYPE, 2000);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(r.resources).toHaveLength(2);
      expect(Number(r.nonce)).toBeGreaterThan(Number(lastAcked.nonce));
      healthy.ack(r);
      lastAcked = r;
    }
    // The stuck stream got one response past its first and none since: the ACK gate bounds
    // what can pile up for it.
    const stuckTypes = h.server.status
      .list()
      .map((c) => c.types.get(CLUSTER_TYPE))
      .find((t) => t?.lastAck?.nonce !== lastAcked.nonce);
    expect(stuckTypes?.lastSent?.nonce).not.toBe(stuckTypes?.lastAck?.nonce);
    expect(h.server.status.counters.pushesByType[CLUSTER_TYPE]).toBe(2 + 5 + 1);
  });

  it('fans one push out to 200 streams of 200 proxies sharing the same encoded resources', async () => {
    h = await startHarness();
    const shared = [cluster('c1'), cluster('c2')];
    const ids = Array.from(
      { length: 200 },
      (_, i) => `sidecar~10.1.0.${i}~p${i}.default~default.svc.cluster.local`,
    );
    for (const id of ids) h.cache.setSnapshot(id, buildSnapshot(shared));
    const clients = ids.map((id) => h.sotw(id));
    for (const c of clients) c.subscribe(CLUSTER_TYPE);
    for (const c of clients) c.ack(await c.nextMessage(CLUSTER_TYPE, 5000));

    const update = [...shared, cluster('c3')];
    const started = Date.now();
    for (const id of ids) h.cache.setSnapshot(id, buildSnapshot(update));
    const got = await Promise.all(clients.map((c) => c.next(CLUSTER_TYPE, 5000)));
    const elapsed = Date.now() - started;
    expect(got.every((r) => r.message.resources.length === 3)).toBe(true);
    // Every stream sent the same bytes apart from its nonce: the response version is shared.
    expect(new Set(got.map((r) => r.message.versionInfo)).size).toBe(1);
    expect(elapsed).toBeLessThan(3000);
    expect(h.server.activeStreams).toBe(200);
  });

  it('shuts down gracefully: queued responses are delivered, then every stream ends with OK', async () => {
    const closedInfos: StreamInfo[] = [];
    h = await startHarness({ onStreamClose: (i) => closedInfos.push(i) });
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1')]));
    const a = h.sotw(NODE);
    const b = h.delta(NODE);
    a.subscribe(CLUSTER_TYPE);
    b.send({ typeUrl: CLUSTER_TYPE });
    a.ack(await a.nextMessage(CLUSTER_TYPE));
    await b.nextMessage(CLUSTER_TYPE);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.server.activeStreams).toBe(2);

    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), cluster('last')]));
    await h.server.shutdown(2000);
    const last = await a.nextMessage(CLUSTER_TYPE);
    expect(last.resources).toHaveLength(2);
    expect((await a.closed).code).toBe(0);
    expect((await b.closed).code).toBe(0);
    expect(h.server.activeStreams).toBe(0);
    expect(h.server.status.activeStreams).toBe(0);
    expect(h.cache.watcherCount(NODE)).toBe(0);
    expect(closedInfos.map((i) => i.protocol).sort()).toEqual(['delta', 'sotw']);
    expect(closedInfos[0].node.id).toBe(NODE);
  });

  it('cleans up a stream the client cancels, and fails streams when onStreamOpen rejects', async () => {
    h = await startHarness({
      onStreamOpen: (node) => {
        if (node.id.startsWith('bad')) throw new Error('unknown proxy');
        return node.id;
      },
    });
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1')]));
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    await c.nextMessage(CLUSTER_TYPE);
    expect(h.cache.watcherCount(NODE)).toBe(1);
    c.close();
    for (let i = 0; i < 100 && h.cache.watcherCount(NODE) > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(h.cache.watcherCount(NODE)).toBe(0);
    expect(h.server.status.counters.streamsClosed).toBe(1);

    const bad = h.sotw('bad~node');
    bad.subscribe(CLUSTER_TYPE);
    const st = await bad.closed;
    expect(st.code).toBe(13);
    expect(st.details).toMatch(/unknown proxy/);
  });

  it('emits status events and counts bytes for metrics', async () => {
    h = await startHarness();
    const events: string[] = [];
    h.server.status.on('open', () => events.push('open'));
    h.server.status.on('sent', (_c, t) => events.push(`sent ${t.typeUrl.split('.').pop()}`));
    h.server.status.on('ack', () => events.push('ack'));
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1')]));
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    const r = await c.next(CLUSTER_TYPE);
    c.ack(r.message);
    for (let i = 0; i < 100 && !events.includes('ack'); i++)
      await new Promise((res) => setTimeout(res, 10));
    expect(events).toEqual(['open', 'sent Cluster', 'ack']);
    expect(h.server.status.counters.bytesSent).toBe(r.bytes.length);
  });
});
