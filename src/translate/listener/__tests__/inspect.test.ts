// rdsNamesOf on freshly built listeners reads the RDS names recorded when their HCMs were packed;
// it must name exactly what unpacking the same listener decoded from its bytes names (sidecar
// inline and RDS HCMs, gateway servers, proxyless gRPC API listeners).
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  ListenerSchema,
  type Listener,
} from '../../../gen/envoy/config/listener/v3/listener_pb.js';
import { parseProxy } from '../../../model/proxy-identity.js';
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import {
  BOOKINFO,
  GATEWAY,
  PRODUCTPAGE,
  testdata,
  translateBookinfo,
} from '../../__tests__/world.js';
import { translateProxy } from '../../translate-proxy.js';
import { rdsNamesOf } from '../inspect.js';

const decoded = (l: Listener): Listener => fromBinary(ListenerSchema, toBinary(ListenerSchema, l));

describe('rdsNamesOf', () => {
  it.each([
    ['sidecar', PRODUCTPAGE],
    ['gateway', GATEWAY],
  ] as const)('%s: recorded names equal unpacked names', (_kind, nodeId) => {
    const { listeners } = translateBookinfo(nodeId, testdata('in', 'gateway-tls.yaml'));
    const names = listeners.map((l) => [l.name, [...rdsNamesOf(l)]]);
    expect(names).toEqual(listeners.map((l) => [l.name, [...rdsNamesOf(decoded(l))]]));
    // Both kinds of HCM are present: inline (virtualInbound) and RDS (outbound / servers).
    expect(names.some(([, rds]) => rds.length > 0)).toBe(true);
  });

  it('proxyless gRPC: every API listener names its route config', () => {
    const push = pushContextFromYaml(BOOKINFO);
    const proxy = parseProxy(PRODUCTPAGE, { GENERATOR: 'grpc' }, push);
    if (!proxy.ok) throw new Error(proxy.error);
    const { listeners } = translateProxy(proxy.value, push);
    expect(listeners.length).toBeGreaterThan(0);
    for (const l of listeners) {
      expect(rdsNamesOf(l)).toEqual(rdsNamesOf(decoded(l)));
      if (l.apiListener !== undefined) expect(rdsNamesOf(l).length).toBe(1);
    }
    expect(listeners.filter((l) => l.apiListener !== undefined).length).toBeGreaterThan(0);
  });

  it('caches per listener object', () => {
    const { listeners } = translateBookinfo(PRODUCTPAGE);
    const l = listeners.find((x) => x.name === '0.0.0.0_9080');
    if (!l) throw new Error('no 0.0.0.0_9080 listener');
    expect(rdsNamesOf(l)).toBe(rdsNamesOf(l));
    expect(rdsNamesOf(l)).toEqual(['9080']);
    expect(rdsNamesOf(listeners.find((x) => x.name === 'virtualInbound') as Listener)).toEqual([]);
  });
});
