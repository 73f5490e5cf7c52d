// Streams hold what they sent (SotW) or what the client holds (Delta) as references to snapshot
// maps. These check that they let go of superseded maps once the content they stand for is
// carried by the current snapshot, so old snapshots (and resources only they reference) can be
// collected, and that subscriptions are shared between streams.
import { create } from '@bufbuild/protobuf';
import {
  DeltaDiscoveryRequestSchema,
  DiscoveryRequestSchema,
} from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { DeltaStream } from '../delta-stream.js';
import type { XdsResource } from '../resource.js';
import type { ResourceView } from '../resource-view.js';
import { buildSnapshot, SnapshotCache } from '../snapshot-cache.js';
import { SotwStream } from '../sotw-stream.js';
import { XdsStatus } from '../status.js';
import type { StreamSink } from '../stream-common.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE } from '../type-urls.js';
import { cluster, endpoints } from './fixtures.js';

const NODE = 'n';

function sink(status: XdsStatus, id: string): StreamSink & { writes: number } {
  let nonce = 0;
  const s = {
    writes: 0,
    write: () => void s.writes++,
    nextNonce: () => `${id}-${++nonce}`,
    status,
    conn: status.open(id, NODE, 'sotw', 'test'),
  };
  return s;
}

type Held = {
  types: Map<string, { sent?: ResourceView; clientHas?: ResourceView; names: unknown }>;
};
const held = (s: SotwStream | DeltaStream) => (s as unknown as Held).types;

function snapshot(eds: XdsResource[]) {
  return buildSnapshot([cluster('c1'), cluster('c2'), ...eds]);
}

/** Opens a SotW stream on the cache, subscribed and ACKed for CDS and EDS c1. */
function sotwStream(cache: SnapshotCache, status: XdsStatus, id: string) {
  const out = sink(status, id);
  const stream = new SotwStream(out);
  stream.setInitialSnapshot(cache.getSnapshot(NODE));
  cache.watch(NODE, (c) => stream.onSnapshot(c));
  const ackAll = () => {
    for (const [typeUrl, t] of out.conn.types) {
      stream.handleRequest(
        create(DiscoveryRequestSchema, {
          typeUrl,
          responseNonce: t.lastSent?.nonce ?? '',
          versionInfo: t.lastSent?.version ?? '',
          resourceNames: typeUrl === ENDPOINT_TYPE ? ['c1'] : [],
        }),
      );
    }
  };
  stream.handleRequest(create(DiscoveryRequestSchema, { typeUrl: CLUSTER_TYPE }));
  stream.handleRequest(
    create(DiscoveryRequestSchema, { typeUrl: ENDPOINT_TYPE, resourceNames: ['c1'] }),
  );
  ackAll();
  return { stream, out, ackAll };
}

function expectHeldMapsCurrent(cache: SnapshotCache, s: SotwStream | DeltaStream, out: StreamSink) {
  for (const [typeUrl, state] of held(s)) {
    const current = cache.getSnapshot(NODE)?.get(typeUrl);
    expect((state.sent ?? state.clientHas)?.from).toBe(current);
    expect(out.conn.types.get(typeUrl)?.ackedView?.from).toBe(current);
  }
}

describe('stream references to snapshot maps', () => {
  it('SotW: moves onto rebuilt snapshots and past changes outside the subscription', () => {
    const cache = new SnapshotCache();
    const status = new XdsStatus();
    cache.setSnapshot(NODE, snapshot([endpoints('c1'), endpoints('c2')]));
    const { stream, out, ackAll } = sotwStream(cache, status, 'a');
    expect(out.writes).toBe(2);
    expectHeldMapsCurrent(cache, stream, out);

    // The same content in new maps: nothing sent, references follow.
    cache.setSnapshot(NODE, snapshot([endpoints('c1'), endpoints('c2')]));
    expect(out.writes).toBe(2);
    expectHeldMapsCurrent(cache, stream, out);

    // Only c2's endpoints change (not subscribed): nothing sent, references follow.
    cache.setSnapshot(NODE, snapshot([endpoints('c1'), endpoints('c2', 9090)]));
    expect(out.writes).toBe(2);
    expectHeldMapsCurrent(cache, stream, out);

    // c1 changes: a partial push; once ACKed, the new map is what is held.
    cache.setSnapshot(NODE, snapshot([endpoints('c1', 9091), endpoints('c2', 9090)]));
    expect(out.writes).toBe(3);
    ackAll();
    expectHeldMapsCurrent(cache, stream, out);
  });

  it('SotW: streams with the same subscription share one name set and one sorted list', () => {
    const cache = new SnapshotCache();
    const status = new XdsStatus();
    cache.setSnapshot(NODE, snapshot([endpoints('c1')]));
    const a = sotwStream(cache, status, 'a');
    const b = sotwStream(cache, status, 'b');
    expect(held(a.stream).get(ENDPOINT_TYPE)?.names).toBe(held(b.stream).get(ENDPOINT_TYPE)?.names);
    expect(a.out.conn.types.get(ENDPOINT_TYPE)?.names).toBe(
      b.out.conn.types.get(ENDPOINT_TYPE)?.names,
    );
  });

  it('Delta: moves onto rebuilt snapshots and past changes outside the subscription', () => {
    const cache = new SnapshotCache();
    const status = new XdsStatus();
    cache.setSnapshot(NODE, snapshot([endpoints('c1'), endpoints('c2')]));
    const out = sink(status, 'd');
    const stream = new DeltaStream(out);
    stream.setInitialSnapshot(cache.getSnapshot(NODE));
    cache.watch(NODE, (c) => stream.onSnapshot(c));
    const ack = (typeUrl: string) =>
      stream.handleRequest(
        create(DeltaDiscoveryRequestSchema, {
          typeUrl,
          responseNonce: out.conn.types.get(typeUrl)?.lastSent?.nonce ?? '',
        }),
      );
    stream.handleRequest(create(DeltaDiscoveryRequestSchema, { typeUrl: CLUSTER_TYPE }));
    stream.handleRequest(
      create(DeltaDiscoveryRequestSchema, {
        typeUrl: ENDPOINT_TYPE,
        resourceNamesSubscribe: ['c1'],
      }),
    );
    ack(CLUSTER_TYPE);
    ack(ENDPOINT_TYPE);
    expect(out.writes).toBe(2);
    expectHeldMapsCurrent(cache, stream, out);

    cache.setSnapshot(NODE, snapshot([endpoints('c1'), endpoints('c2')]));
    cache.setSnapshot(NODE, snapshot([endpoints('c1'), endpoints('c2', 9090)]));
    expect(out.writes).toBe(2);
    expectHeldMapsCurrent(cache, stream, out);

    // Unsubscribing materializes what the client holds until the next evaluation settles it.
    stream.handleRequest(
      create(DeltaDiscoveryRequestSchema, {
        typeUrl: ENDPOINT_TYPE,
        resourceNamesSubscribe: ['c2'],
        resourceNamesUnsubscribe: ['c1'],
      }),
    );
    expect(out.writes).toBe(3);
    ack(ENDPOINT_TYPE);
    expectHeldMapsCurrent(cache, stream, out);
  });
});
