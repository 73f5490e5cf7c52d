// The hand-written response framing must produce the same bytes as protoc-gen-es encoding.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { AnySchema, anyPack, anyUnpack } from '@bufbuild/protobuf/wkt';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import {
  DeltaDiscoveryResponseSchema,
  DiscoveryResponseSchema,
} from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { encodeAny, encodeDeltaDiscoveryResponse, encodeDiscoveryResponse } from '../codec.js';
import { deltaResourceBytes, encodeResource } from '../resource.js';
import { CLUSTER_TYPE } from '../type-urls.js';
import { cluster, endpoints } from './fixtures.js';

describe('codec: pass-through framing equals protoc-gen-es encoding', () => {
  const a = cluster('outbound|9080|v1|reviews.default.svc.cluster.local');
  const b = cluster('outbound|9080|v2|reviews.default.svc.cluster.local', 2);
  const unpack = (bytes: Uint8Array) => fromBinary(ClusterSchema, bytes);

  it('encodes an Any exactly like anyPack + toBinary', () => {
    const packed = anyPack(ClusterSchema, unpack(a.bytes));
    expect(encodeAny(a.typeUrl, a.bytes)).toEqual(toBinary(AnySchema, packed));
    expect(a.anyBytes).toEqual(encodeAny(a.typeUrl, a.bytes));
  });

  it('frames a DiscoveryResponse byte-identical to toBinary of the same message', () => {
    const framed = encodeDiscoveryResponse({
      versionInfo: 'v-1',
      resources: [a.anyBytes, b.anyBytes],
      typeUrl: CLUSTER_TYPE,
      nonce: '42',
      controlPlaneId: '{"Component":"mini-istiod"}',
    });
    const reference = toBinary(
      DiscoveryResponseSchema,
      create(DiscoveryResponseSchema, {
        versionInfo: 'v-1',
        resources: [
          anyPack(ClusterSchema, unpack(a.bytes)),
          anyPack(ClusterSchema, unpack(b.bytes)),
        ],
        typeUrl: CLUSTER_TYPE,
        nonce: '42',
        controlPlane: { identifier: '{"Component":"mini-istiod"}' },
      }),
    );
    expect(Buffer.from(framed).equals(Buffer.from(reference))).toBe(true);
    const decoded = fromBinary(DiscoveryResponseSchema, framed);
    expect(decoded.resources.map((r) => anyUnpack(r, ClusterSchema)?.name)).toEqual([
      a.name,
      b.name,
    ]);
  });

  it('frames an empty DiscoveryResponse (LDS/CDS "delete everything")', () => {
    const framed = encodeDiscoveryResponse({
      versionInfo: 'v',
      resources: [],
      typeUrl: CLUSTER_TYPE,
      nonce: '1',
    });
    const reference = toBinary(
      DiscoveryResponseSchema,
      create(DiscoveryResponseSchema, { versionInfo: 'v', typeUrl: CLUSTER_TYPE, nonce: '1' }),
    );
    expect(framed).toEqual(reference);
  });

  it('frames a DeltaDiscoveryResponse byte-identical to toBinary, removals included', () => {
    const e = endpoints('outbound|9080|v1|reviews.default.svc.cluster.local');
    const framed = encodeDeltaDiscoveryResponse({
      systemVersionInfo: 'sys-7',
      resources: [deltaResourceBytes(a), deltaResourceBytes(e)],
      typeUrl: CLUSTER_TYPE,
      removedResources: ['gone-1', 'gone-2'],
      nonce: '9',
    });
    const reference = toBinary(
      DeltaDiscoveryResponseSchema,
      create(DeltaDiscoveryResponseSchema, {
        systemVersionInfo: 'sys-7',
        resources: [
          { name: a.name, version: a.version, resource: anyPack(ClusterSchema, unpack(a.bytes)) },
          {
            name: e.name,
            version: e.version,
            resource: { typeUrl: e.typeUrl, value: e.bytes },
          },
        ],
        typeUrl: CLUSTER_TYPE,
        removedResources: ['gone-1', 'gone-2'],
        nonce: '9',
      }),
    );
    expect(Buffer.from(framed).equals(Buffer.from(reference))).toBe(true);
  });

  it('handles lengths above one varint byte (a 300 KiB resource)', () => {
    const big = encodeResource(
      ClusterSchema,
      create(ClusterSchema, { name: 'big', altStatName: 'x'.repeat(300 * 1024) }),
      'big',
    );
    const framed = encodeDiscoveryResponse({
      versionInfo: '1',
      resources: [big.anyBytes],
      typeUrl: CLUSTER_TYPE,
      nonce: '1',
    });
    const decoded = fromBinary(DiscoveryResponseSchema, framed);
    expect(anyUnpack(decoded.resources[0], ClusterSchema)?.altStatName.length).toBe(300 * 1024);
  });
});

describe('resource', () => {
  it('encodes a shared message once and versions by content', () => {
    const msg = create(ClusterSchema, { name: 'c1' });
    const first = encodeResource(ClusterSchema, msg, 'c1');
    expect(encodeResource(ClusterSchema, msg, 'c1')).toBe(first);
    const twin = encodeResource(ClusterSchema, create(ClusterSchema, { name: 'c1' }), 'c1');
    expect(twin).not.toBe(first);
    expect(twin.version).toBe(first.version);
    expect(first.typeUrl).toBe(CLUSTER_TYPE);
    expect(cluster('c1', 2).version).not.toBe(cluster('c1', 3).version);
  });
});
