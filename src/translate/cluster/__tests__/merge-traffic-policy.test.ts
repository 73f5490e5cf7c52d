// Traffic policy merging: subset over top level, port-level over both.
import type { TrafficPolicy } from '../../../model/istio-types.js';
import { portTrafficPolicy, subsetTrafficPolicy } from '../merge-traffic-policy.js';

const top: TrafficPolicy = {
  loadBalancer: { simple: 'RANDOM' },
  connectionPool: { tcp: { maxConnections: 10 } },
  tls: { mode: 'ISTIO_MUTUAL' },
  portLevelSettings: [{ port: { number: 80 }, connectionPool: { http: { http2MaxRequests: 5 } } }],
};

describe('traffic policy merging', () => {
  it('port-level settings replace a whole block and inherit the rest', () => {
    expect(portTrafficPolicy(top, 80)).toEqual({
      loadBalancer: { simple: 'RANDOM' },
      connectionPool: { http: { http2MaxRequests: 5 } },
      tls: { mode: 'ISTIO_MUTUAL' },
    });
  });

  it('other ports keep the top-level blocks and lose portLevelSettings', () => {
    expect(portTrafficPolicy(top, 8080)).toEqual({
      loadBalancer: { simple: 'RANDOM' },
      connectionPool: { tcp: { maxConnections: 10 } },
      tls: { mode: 'ISTIO_MUTUAL' },
    });
    expect(portTrafficPolicy(undefined, 80)).toBeUndefined();
  });

  it('subset policy overrides, then the subset port level overrides that', () => {
    const subset: TrafficPolicy = {
      tls: { mode: 'DISABLE' },
      portLevelSettings: [{ port: { number: 80 }, loadBalancer: { simple: 'ROUND_ROBIN' } }],
    };
    const base = portTrafficPolicy(top, 80);
    expect(subsetTrafficPolicy(base, subset, 80)).toEqual({
      loadBalancer: { simple: 'ROUND_ROBIN' },
      connectionPool: { http: { http2MaxRequests: 5 } },
      tls: { mode: 'DISABLE' },
    });
    expect(subsetTrafficPolicy(base, undefined, 80)).toBe(base);
  });
});
