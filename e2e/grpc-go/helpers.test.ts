// The pure parts of the grpc-go harness: flag syntax, stats parsing, bootstrap shape, and the
// error a missing binary produces (it must name the build script, never skip).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpcGoBinary, grpcGoBinDir } from '../support/grpc-go-binaries.js';
import { grpcGoBootstrap, writeGrpcGoBootstrap } from '../support/grpc-go-bootstrap.js';
import { metadataFlag, parseStats, shares } from '../support/grpc-go-client.js';
import { interopServices } from '../support/grpc-go-interop-protos.js';

describe('metadataFlag', () => {
  it('repeats the headers for every RPC type in the interop client syntax', () => {
    expect(metadataFlag(['UnaryCall', 'EmptyCall'], { 'end-user': 'jason', x: 'y' })).toBe(
      'UnaryCall:end-user:jason:x:y,EmptyCall:end-user:jason:x:y',
    );
  });

  it('is empty without headers and rejects values the syntax cannot carry', () => {
    expect(metadataFlag(['UnaryCall'], {})).toBe('');
    expect(() => metadataFlag(['UnaryCall'], { url: 'http://x' })).toThrow(/cannot be passed/);
  });
});

describe('parseStats and shares', () => {
  const raw = {
    rpcs_by_peer: { 'reviews-v1': 90, 'reviews-v3': 8 },
    num_failures: 2,
    rpcs_by_method: { UnaryCall: { rpcs_by_peer: { 'reviews-v1': 90, 'reviews-v3': 8 } } },
  };

  it('narrows the decoded response', () => {
    expect(parseStats(raw)).toEqual({
      rpcsByPeer: { 'reviews-v1': 90, 'reviews-v3': 8 },
      numFailures: 2,
      rpcsByMethod: { UnaryCall: { 'reviews-v1': 90, 'reviews-v3': 8 } },
    });
    expect(parseStats(undefined)).toEqual({ rpcsByPeer: {}, numFailures: 0, rpcsByMethod: {} });
  });

  it('counts failures in the denominator of each share', () => {
    expect(shares(parseStats(raw))).toEqual({ 'reviews-v1': 0.9, 'reviews-v3': 0.08 });
  });

  it('round-trips through the vendored proto with the interop field numbers', () => {
    const method = interopServices().LoadBalancerStatsService.service.GetClientStats;
    expect(method.path).toBe('/grpc.testing.LoadBalancerStatsService/GetClientStats');
    const bytes = method.responseSerialize(raw);
    // rpcs_by_peer is field 1 (tag 0x0a), num_failures field 2 (varint, tag 0x10).
    expect(bytes[0]).toBe(0x0a);
    expect(bytes.includes(0x10)).toBe(true);
    expect(parseStats(method.responseDeserialize(bytes))).toEqual(parseStats(raw));
    expect([...method.requestSerialize({ num_rpcs: 5, timeout_sec: 7 })]).toEqual([8, 5, 16, 7]);
  });
});

describe('bootstrap', () => {
  it('has what grpc-go requires and an Istio proxyless node', () => {
    const b = grpcGoBootstrap({ xdsServer: '127.0.0.1:15010', namespace: 'bookinfo' });
    expect(b.xds_servers).toEqual([
      {
        server_uri: '127.0.0.1:15010',
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ]);
    expect(b.node.id).toBe('sidecar~127.0.0.1~grpc-go-client.bookinfo~bookinfo.svc.cluster.local');
    expect(b.node.metadata).toEqual({
      GENERATOR: 'grpc',
      NAMESPACE: 'bookinfo',
      INSTANCE_IPS: '127.0.0.1',
    });
    expect(b.node.locality).toEqual({});
  });

  it('is written as JSON for GRPC_XDS_BOOTSTRAP', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootstrap-test-'));
    try {
      const b = grpcGoBootstrap({ xdsServer: 'h:1', locality: { region: 'r', zone: 'z' } });
      const file = writeGrpcGoBootstrap(dir, b);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(b);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('binaries', () => {
  it('live in the same cache directory the build script uses', () => {
    expect(grpcGoBinDir({ HOME: '/home/u' })).toBe('/home/u/.cache/mini-istiod/bin');
    expect(grpcGoBinDir({ HOME: '/home/u', XDG_CACHE_HOME: '/c' })).toBe('/c/mini-istiod/bin');
    expect(grpcGoBinDir({ GRPC_GO_XDS_BIN_DIR: '/b' })).toBe('/b');
  });

  it('fail with the build command when absent', () => {
    expect(() =>
      grpcGoBinary('grpc-go-xds-client', { GRPC_GO_XDS_BIN_DIR: '/nonexistent' }),
    ).toThrow('bash scripts/build-grpc-go-xds-client.sh');
  });
});
