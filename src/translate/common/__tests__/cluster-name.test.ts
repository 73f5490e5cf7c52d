// Cluster names (`outbound|9080|v2|reviews...`) both ways, and Istio durations.
import {
  buildSubsetKey,
  inboundClusterName,
  istioMutualSni,
  outboundClusterName,
  parseClusterName,
  parseSubsetKey,
} from '../cluster-name.js';
import { durationFromIstio, parseDurationNanos } from '../duration.js';

describe('cluster names', () => {
  it('builds outbound names with and without subset', () => {
    expect(outboundClusterName(9080, 'v2', 'reviews.default.svc.cluster.local')).toBe(
      'outbound|9080|v2|reviews.default.svc.cluster.local',
    );
    expect(outboundClusterName(9080, undefined, 'reviews.default.svc.cluster.local')).toBe(
      'outbound|9080||reviews.default.svc.cluster.local',
    );
    expect(buildSubsetKey('outbound', '', 'a.b', 80)).toBe('outbound|80||a.b');
  });

  it('builds inbound names without host', () => {
    expect(inboundClusterName(9080)).toBe('inbound|9080||');
  });

  it('parses what it builds', () => {
    expect(parseClusterName('outbound|9080|v1|reviews.default.svc.cluster.local')).toEqual({
      direction: 'outbound',
      port: 9080,
      subset: 'v1',
      host: 'reviews.default.svc.cluster.local',
    });
    expect(parseSubsetKey('inbound|8080||')).toEqual({
      direction: 'inbound',
      port: 8080,
      subset: '',
      host: '',
    });
  });

  it('rejects non subset keys', () => {
    expect(parseSubsetKey('BlackHoleCluster')).toBeUndefined();
    expect(parseSubsetKey('outbound|abc||x')).toBeUndefined();
    expect(parseSubsetKey('sideways|80||x')).toBeUndefined();
    expect(parseSubsetKey('outbound|0||x')).toBeUndefined();
  });

  it('builds the ISTIO_MUTUAL sni', () => {
    expect(istioMutualSni(9080, 'v1', 'reviews.default.svc.cluster.local')).toBe(
      'outbound_.9080_.v1_.reviews.default.svc.cluster.local',
    );
    expect(istioMutualSni(80, undefined, 'a.b')).toBe('outbound_.80_._.a.b');
  });
});

describe('durationFromIstio', () => {
  it('parses seconds, fractions and compound units', () => {
    expect(durationFromIstio('10s')).toMatchObject({ seconds: 10n, nanos: 0 });
    expect(durationFromIstio('1.5s')).toMatchObject({ seconds: 1n, nanos: 500_000_000 });
    expect(durationFromIstio('100ms')).toMatchObject({ seconds: 0n, nanos: 100_000_000 });
    expect(durationFromIstio('1h2m3s')).toMatchObject({ seconds: 3723n, nanos: 0 });
    expect(durationFromIstio('0')).toMatchObject({ seconds: 0n, nanos: 0 });
  });

  it('rejects malformed text', () => {
    expect(parseDurationNanos('10')).toBeUndefined();
    expect(parseDurationNanos('abc')).toBeUndefined();
    expect(parseDurationNanos('')).toBeUndefined();
    expect(() => durationFromIstio('5 s')).toThrow('invalid duration');
  });
});
