// Pending pushes: built from a store change, merged by the debouncer (endpoint-only only when
// every change was), and turned into a push's work (an endpoint delta or config changes).
import type { ConfigKey } from '../../model/config.js';
import { pushContextFromYaml } from '../../model/testing/snapshot-from-yaml.js';
import { BOOKINFO } from '../../translate/__tests__/world.js';
import { pushGeneration } from '../connected-proxy.js';
import { mergePendingPushes, pendingPushOf, pushWorkFor } from '../pending-push.js';

const endpointsChange = pendingPushOf({
  version: 2,
  changedKeys: ['Endpoints/default/details'],
  changedKinds: ['Endpoints'],
});
const vsChange = pendingPushOf({
  version: 3,
  changedKeys: ['VirtualService/default/reviews'],
  changedKinds: ['VirtualService'],
});

describe('pending pushes', () => {
  it('is endpoint-only when every merged change is', () => {
    expect(endpointsChange.endpointOnly).toBe(true);
    expect(vsChange.endpointOnly).toBe(false);
    expect(mergePendingPushes(endpointsChange, endpointsChange).endpointOnly).toBe(true);
    const merged = mergePendingPushes(endpointsChange, vsChange);
    expect(merged).toEqual({
      endpointOnly: false,
      reasons: new Set(['Endpoints', 'VirtualService']),
      keys: new Set<ConfigKey>(['Endpoints/default/details', 'VirtualService/default/reviews']),
    });
  });

  it('gives an endpoint-only push a delta and any other one config changes', () => {
    const previous = pushContextFromYaml(BOOKINFO);
    const next = pushContextFromYaml(BOOKINFO);
    const target = pushGeneration(next, 1);
    const eds = pushWorkFor(endpointsChange, previous, target);
    expect(eds.delta).toBeDefined();
    expect(eds.changes).toBeUndefined();
    const routing = pushWorkFor(vsChange, previous, target);
    expect(routing.delta).toBeUndefined();
    expect(routing.changes).toBeDefined();
    expect({ previous: routing.previous === previous, target: routing.target === target }).toEqual({
      previous: true,
      target: true,
    });
  });
});
