// sync_diff over real ADS streams: what each client ACKed (held by reference in the connection
// status) against the current snapshot, as snapshots are replaced under it.
import type { DiscoveryServer } from '../../server/discovery-server.js';
import { buildSnapshot } from '../../xds/snapshot-cache.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE } from '../../xds/type-urls.js';
import { cluster, endpoints } from '../../xds/__tests__/fixtures.js';
import { startHarness, type Harness } from '../../xds/__tests__/harness.js';
import { AckTracker, type TypeDiff } from '../sync-diff.js';

const NODE = 'sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local';
const POD = 'productpage-v1-abc.default';

/** The parts of the discovery server the tracker reads. */
function discovery(h: Harness): DiscoveryServer {
  return {
    connectedProxies: () => [{ nodeId: NODE, proxy: { name: POD } }],
    cache: h.cache,
    status: h.server.status,
  } as unknown as DiscoveryServer;
}

function typeDiff(tracker: AckTracker, type: string): TypeDiff | undefined {
  return tracker.diff(POD)[0]?.types.find((t) => t.type === type);
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
}

describe('sync_diff (AckTracker)', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('reports what was ACKed, unchanged while newer snapshots replace the one it was cut from', async () => {
    h = await startHarness();
    const tracker = new AckTracker(discovery(h));
    const base = [cluster('c1'), cluster('c2'), endpoints('c1'), endpoints('c2')];
    h.cache.setSnapshot(NODE, buildSnapshot(base));
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    c.ack(await c.nextMessage(CLUSTER_TYPE));
    c.subscribe(ENDPOINT_TYPE, ['c1', 'c2']);
    const eds = await c.nextMessage(ENDPOINT_TYPE);
    c.ack(eds, ['c1', 'c2']);
    await settle();
    expect(tracker.diff(POD)[0]).toMatchObject({ inSync: true });
    expect(typeDiff(tracker, 'cds')).toMatchObject({ ackedResources: 2, differences: [] });

    // The same content rebuilt (new maps, new resource objects): nothing is sent, still in sync,
    // and the status now holds the new maps rather than the superseded ones.
    h.cache.setSnapshot(NODE, buildSnapshot(base.map((r) => ({ ...r }))));
    expect(await c.none(CLUSTER_TYPE, 100)).toBe(true);
    expect(tracker.diff(POD)[0]).toMatchObject({ inSync: true });
    const conn = h.server.status.byNode(NODE)[0];
    for (const typeUrl of [CLUSTER_TYPE, ENDPOINT_TYPE]) {
      expect(conn.types.get(typeUrl)?.ackedView?.from).toBe(
        h.cache.getSnapshot(NODE)?.get(typeUrl),
      );
    }

    // c2 changes: until the client ACKs, the old c2 is what it runs.
    const before = cluster('c2').version;
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), cluster('c2', 2), ...base.slice(2)]));
    const cds = await c.nextMessage(CLUSTER_TYPE);
    expect(typeDiff(tracker, 'cds')).toMatchObject({
      state: 'STALE',
      ackedResources: 2,
      differences: [
        {
          name: 'c2',
          change: 'changed',
          ackedVersion: before,
          currentVersion: cluster('c2', 2).version,
        },
      ],
    });
    c.ack(cds);
    await settle();
    expect(typeDiff(tracker, 'cds')).toMatchObject({ state: 'SYNCED', differences: [] });
  });

  it('counts every load assignment the client holds after a partial EDS push', async () => {
    h = await startHarness();
    const tracker = new AckTracker(discovery(h));
    const cds = [cluster('c1'), cluster('c2')];
    h.cache.setSnapshot(NODE, buildSnapshot([...cds, endpoints('c1'), endpoints('c2')]));
    const c = h.sotw(NODE);
    c.subscribe(ENDPOINT_TYPE, ['c1', 'c2']);
    c.ack(await c.nextMessage(ENDPOINT_TYPE), ['c1', 'c2']);
    h.cache.setSnapshot(NODE, buildSnapshot([...cds, endpoints('c1', 9090), endpoints('c2')]));
    const partial = await c.nextMessage(ENDPOINT_TYPE);
    expect(partial.resources).toHaveLength(1);
    c.ack(partial, ['c1', 'c2']);
    await settle();
    expect(typeDiff(tracker, 'eds')).toMatchObject({
      state: 'SYNCED',
      ackedResources: 2,
      currentResources: 2,
      differences: [],
    });
  });

  it('keeps the last ACKed content after a NACK', async () => {
    h = await startHarness();
    const tracker = new AckTracker(discovery(h));
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1')]));
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    const first = await c.nextMessage(CLUSTER_TYPE);
    c.ack(first);
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), cluster('bad')]));
    c.nack(await c.nextMessage(CLUSTER_TYPE), first.versionInfo, 'rejected');
    await settle();
    expect(typeDiff(tracker, 'cds')).toMatchObject({
      state: 'ERROR',
      error: 'rejected',
      ackedResources: 1,
      differences: [{ name: 'bad', change: 'added' }],
    });
  });

  it('reports Delta streams the same way', async () => {
    h = await startHarness();
    const tracker = new AckTracker(discovery(h));
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), cluster('c2')]));
    const d = h.delta(NODE);
    d.send({ typeUrl: CLUSTER_TYPE });
    const first = await d.nextMessage(CLUSTER_TYPE);
    d.send({ typeUrl: CLUSTER_TYPE, responseNonce: first.nonce });
    await settle();
    expect(typeDiff(tracker, 'cds')).toMatchObject({ state: 'SYNCED', ackedResources: 2 });
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1')]));
    const second = await d.nextMessage(CLUSTER_TYPE);
    expect(second.removedResources).toEqual(['c2']);
    expect(typeDiff(tracker, 'cds')).toMatchObject({
      state: 'STALE',
      differences: [{ name: 'c2', change: 'removed' }],
    });
    d.send({ typeUrl: CLUSTER_TYPE, responseNonce: second.nonce });
    await settle();
    expect(typeDiff(tracker, 'cds')).toMatchObject({ state: 'SYNCED', ackedResources: 1 });
  });
});
