// View responses: one sorted resource list and version per (map, name set), shared by every
// stream cut from them, equal to computing them afresh, and recomputed after being forgotten;
// and the whole encoded response shared by the first responses of later streams.
import { create, fromBinary } from '@bufbuild/protobuf';
import {
  DiscoveryRequestSchema,
  DiscoveryResponseSchema,
} from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { resourceFromBytes, type XdsResource } from '../resource.js';
import { viewOf } from '../resource-view.js';
import { SnapshotCache, type Snapshot } from '../snapshot-cache.js';
import { SotwStream } from '../sotw-stream.js';
import { XdsStatus } from '../status.js';
import { responseVersion } from '../stream-common.js';
import { CLUSTER_TYPE } from '../type-urls.js';
import { forgetViewResponses, sharedFullResponse, viewResponse } from '../view-response.js';

const resource = (name: string, version: string): XdsResource => ({
  name,
  typeUrl: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  version,
  bytes: new Uint8Array(),
  anyBytes: new Uint8Array(),
});

describe('viewResponse', () => {
  const map = new Map(
    [resource('c', '3'), resource('a', '1'), resource('b', '2')].map((r) => [r.name, r]),
  );
  const subset = new Set(['c', 'a', 'z']);

  it('sorts the view by name and versions it as a fresh computation would', () => {
    const all = viewResponse(viewOf(map, undefined));
    expect(all.resources.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(all.version).toBe(responseVersion(all.resources));
    const some = viewResponse(viewOf(map, subset));
    expect(some.resources.map((r) => r.name)).toEqual(['a', 'c']);
    expect(some.version).not.toBe(all.version);
  });

  it('is computed once per map and name set, and again after being forgotten', () => {
    const first = viewResponse(viewOf(map, subset));
    expect(viewResponse(viewOf(map, subset))).toBe(first);
    expect(viewResponse(viewOf(map, new Set(subset)))).not.toBe(first);
    expect(viewResponse(viewOf(new Map(map), subset))).not.toBe(first);
    forgetViewResponses();
    const again = viewResponse(viewOf(map, subset));
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});

describe('sharedFullResponse', () => {
  const map = new Map([resource('a', '1'), resource('b', '2')].map((r) => [r.name, r]));
  const owner = {};
  let counter = 0;
  const nextNonce = (): string => String(++counter);
  const encode = (nonce: string): Uint8Array => new TextEncoder().encode(`response ${nonce}`);

  beforeEach(() => {
    forgetViewResponses();
    counter = 0;
  });

  it("encodes the first stream's own, shares the second's with first responses from then on", () => {
    const view = viewResponse(viewOf(map, undefined));
    const first = sharedFullResponse(view, owner, undefined, nextNonce, encode);
    const second = sharedFullResponse(view, owner, undefined, nextNonce, encode);
    expect([first.nonce, second.nonce]).toEqual(['1', '2']);
    const third = sharedFullResponse(view, owner, undefined, nextNonce, encode);
    const fourth = sharedFullResponse(
      viewResponse(viewOf(map, undefined)),
      owner,
      undefined,
      nextNonce,
      encode,
    );
    expect(third).toBe(fourth);
    expect(third.nonce).toBe('2');
    expect(new TextDecoder().decode(third.bytes)).toBe('response 2');
    expect(counter).toBe(2);
  });

  it('encodes afresh for a stream that already had a response of the type, or another server', () => {
    const view = viewResponse(viewOf(map, undefined));
    sharedFullResponse(view, owner, undefined, nextNonce, encode);
    sharedFullResponse(view, owner, undefined, nextNonce, encode);
    // The stream that was sent nonce 2 asks again (e.g. it restarted the subscription).
    const again = sharedFullResponse(view, owner, '2', nextNonce, encode);
    expect(again.nonce).toBe('3');
    // Any earlier response of the type: its nonces could include the shared one.
    expect(sharedFullResponse(view, owner, '1', nextNonce, encode).nonce).toBe('4');
    expect(sharedFullResponse(view, {}, undefined, nextNonce, encode).nonce).toBe('5');
    // The shared one stays the second encoding.
    expect(sharedFullResponse(view, owner, undefined, nextNonce, encode).nonce).toBe('2');
  });

  it('is forgotten with the view responses', () => {
    const view = viewResponse(viewOf(map, undefined));
    sharedFullResponse(view, owner, undefined, nextNonce, encode);
    sharedFullResponse(view, owner, undefined, nextNonce, encode);
    forgetViewResponses();
    const fresh = viewResponse(viewOf(map, undefined));
    expect(sharedFullResponse(fresh, owner, undefined, nextNonce, encode).nonce).toBe('3');
  });
});

describe('SotwStream first responses in a storm', () => {
  it('share one encoded response per view; later pushes get nonces of their own', () => {
    const cache = new SnapshotCache();
    const clusters = (v: string): Snapshot =>
      new Map([
        [
          CLUSTER_TYPE,
          new Map(
            ['x', 'y'].map((n) => [
              n,
              resourceFromBytes(CLUSTER_TYPE, n, new TextEncoder().encode(`${n}${v}`)),
            ]),
          ),
        ],
      ]);
    const status = new XdsStatus();
    let counter = 0;
    // All four nodes hold the same snapshot object, as the server's interned snapshots do.
    const initial = clusters('1');
    const streams = ['p1', 'p2', 'p3', 'p4'].map((node) => {
      cache.setSnapshot(node, initial);
      const writes: Uint8Array[] = [];
      const stream = new SotwStream({
        write: (bytes) => writes.push(bytes),
        nextNonce: () => String(++counter),
        status,
        conn: status.open(node, node, 'sotw', 'test'),
      });
      stream.setInitialSnapshot(cache.getSnapshot(node));
      cache.watch(node, (c) => stream.onSnapshot(c));
      stream.handleRequest(create(DiscoveryRequestSchema, { typeUrl: CLUSTER_TYPE }));
      return { node, stream, writes };
    });
    const first = streams.map((s) => fromBinary(DiscoveryResponseSchema, s.writes[0]!));
    expect(first.map((r) => r.nonce)).toEqual(['1', '2', '2', '2']);
    expect(streams[3]!.writes[0]).toBe(streams[2]!.writes[0]);
    expect(new Set(first.map((r) => r.versionInfo)).size).toBe(1);
    expect(first.every((r) => r.resources.length === 2)).toBe(true);
    // After the ACKs, a new version: every stream gets a nonce no other response had.
    for (const [i, s] of streams.entries()) {
      s.stream.handleRequest(
        create(DiscoveryRequestSchema, {
          typeUrl: CLUSTER_TYPE,
          versionInfo: first[i]!.versionInfo,
          responseNonce: first[i]!.nonce,
        }),
      );
    }
    const next = clusters('2');
    for (const s of streams) cache.setSnapshot(s.node, next);
    const second = streams.map((s) => fromBinary(DiscoveryResponseSchema, s.writes[1]!));
    expect(second.map((r) => r.nonce)).toEqual(['3', '4', '5', '6']);
    expect(new Set(second.map((r) => r.versionInfo)).size).toBe(1);
  });
});
