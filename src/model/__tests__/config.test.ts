// Config keys and kind classification shared by every source and the store.
import { configKey, isIstioKind, isKubeKind, keyOf } from '../config.js';

describe('config keys', () => {
  it('identify a resource by kind, namespace and name', () => {
    expect(configKey('VirtualService', 'default', 'reviews')).toBe(
      'VirtualService/default/reviews',
    );
    expect(keyOf({ kind: 'Service', metadata: { name: 'a', namespace: 'ns' } })).toBe(
      'Service/ns/a',
    );
  });
  it('know which kinds are Istio and which are Kubernetes', () => {
    expect(isIstioKind('DestinationRule')).toBe(true);
    expect(isIstioKind('Service')).toBe(false);
    expect(isKubeKind('EndpointSlice')).toBe(true);
  });
});
