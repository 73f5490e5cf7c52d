// Effective mTLS mode of a workload port from mesh, namespace, workload and port PeerAuthentication.
import type { ConfigResource } from '../../../model/config.js';
import type { PeerAuthenticationSpec } from '../../../model/istio-types.js';
import { effectiveMtlsMode } from '../peer-authentication.js';

function pa(ns: string, spec: PeerAuthenticationSpec): ConfigResource<PeerAuthenticationSpec> {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'pa', namespace: ns },
    spec,
    raw: {},
    source: { file: 'test.yaml' },
  };
}

describe('effectiveMtlsMode', () => {
  it('defaults to PERMISSIVE without policies', () => {
    expect(effectiveMtlsMode([])).toBe('PERMISSIVE');
  });

  it('lets the most specific level with a mode win and UNSET inherit', () => {
    const mesh = pa('istio-system', { mtls: { mode: 'STRICT' } });
    const ns = pa('default', { mtls: { mode: 'UNSET' } });
    expect(effectiveMtlsMode([mesh, ns])).toBe('STRICT');
    const wl = pa('default', {
      selector: { matchLabels: { app: 'r' } },
      mtls: { mode: 'DISABLE' },
    });
    expect(effectiveMtlsMode([mesh, ns, wl])).toBe('DISABLE');
  });

  it('applies portLevelMtls only from workload-selector policies and only to that port', () => {
    const wl = pa('default', {
      selector: { matchLabels: { app: 'r' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { '9080': { mode: 'DISABLE' } },
    });
    expect(effectiveMtlsMode([wl], 9080)).toBe('DISABLE');
    expect(effectiveMtlsMode([wl], 9090)).toBe('STRICT');
    expect(effectiveMtlsMode([wl])).toBe('STRICT');
    const nsWide = pa('default', {
      mtls: { mode: 'STRICT' },
      portLevelMtls: { '9080': { mode: 'DISABLE' } },
    });
    expect(effectiveMtlsMode([nsWide], 9080)).toBe('STRICT');
  });
});
