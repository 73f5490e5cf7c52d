// Requests walked through the golden cases' bound and sniffed listeners the way Envoy would:
// the app calling its sidecar on 127.0.0.1, a peer reaching a captureMode NONE inbound listener
// on the pod IP, and sniffed HTTP / TCP on a `<vip>_<port>` listener.
import path from 'node:path';
import { parseProxy } from '../../../model/proxy-identity.js';
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import { goldenConfigText } from '../../__tests__/golden-case.js';
import { repoRoot } from '../../__tests__/world.js';
import { simulateTraffic } from '../../simulate/traffic.js';
import { translateProxy } from '../../translate-proxy.js';
import type { ProxyResources } from '../../types.js';

function translateCase(file: string): ProxyResources {
  const { header, yaml } = goldenConfigText(path.join(repoRoot, 'testdata', 'in'), file);
  const push = pushContextFromYaml(yaml);
  const proxy = parseProxy(header.nodeId, header.metadata ?? {}, push);
  if (!proxy.ok) throw new Error(proxy.error);
  return translateProxy(proxy.value, push);
}

describe('traffic through Sidecar-bound listeners', () => {
  const web = translateCase('sidecar-capture-none.yaml');

  it('the app calls its sidecar on 127.0.0.1:3000 and reaches greeter', () => {
    const r = simulateTraffic(web, {
      port: 3000,
      destinationIp: '127.0.0.1',
      protocol: 'grpc',
      authority: 'greeter:3000',
      path: '/helloworld.Greeter/SayHello',
      method: 'POST',
    });
    expect(r.outcome).toBe('route');
    expect(r.listener?.name).toBe('127.0.0.1_3000');
    expect(r.rdsName).toBe('3000');
    expect(r.clusters).toEqual([{ name: 'outbound|3000||greeter.default.svc.cluster.local' }]);
    expect(r.endpoints).toEqual(['10.244.2.31:3000']);
  });

  it('a peer reaching the pod IP on 8080 is forwarded to the app on 127.0.0.1:8081', () => {
    const r = simulateTraffic(web, {
      port: 8080,
      destinationIp: '10.244.2.20',
      protocol: 'http',
      authority: 'hello-web:8080',
      path: '/',
    });
    expect(r.outcome).toBe('route');
    expect(r.listener?.name).toBe('10.244.2.20_8080');
    expect(r.filterChain?.filterChainMatch?.transportProtocol).toBe('raw_buffer');
    expect(r.clusters).toEqual([{ name: 'inbound|8080||' }]);
    expect(r.endpoints).toEqual(['127.0.0.1:8081']);
  });

  it('the TCP egress port bound on 127.0.0.1 proxies to its service', () => {
    const r = simulateTraffic(translateCase('sidecar-egress-port-bind.yaml'), {
      port: 3306,
      destinationIp: '127.0.0.1',
      protocol: 'tcp',
    });
    expect(r.outcome).toBe('tcp_proxy');
    expect(r.listener?.name).toBe('127.0.0.1_3306');
    expect(r.endpoints).toEqual(['10.244.1.50:3306']);
  });
});

describe('traffic through a sniffed <vip>_<port> listener', () => {
  const pp = translateCase('sidecar-sniffed-port.yaml');

  it('plaintext HTTP takes the HCM chain and the service route config', () => {
    const r = simulateTraffic(pp, {
      port: 8000,
      destinationIp: '10.96.10.40',
      protocol: 'http',
      authority: 'anything',
      path: '/v2/items',
    });
    expect(r.outcome).toBe('route');
    expect(r.listener?.name).toBe('10.96.10.40_8000');
    expect(r.rdsName).toBe('legacy.default.svc.cluster.local:8000');
    expect(r.clusters).toEqual([{ name: 'outbound|8000|v2|legacy.default.svc.cluster.local' }]);
  });

  it('anything else falls to the tcp_proxy default chain (VirtualService tcp route)', () => {
    const r = simulateTraffic(pp, { port: 8000, destinationIp: '10.96.10.40', protocol: 'tcp' });
    expect(r.outcome).toBe('tcp_proxy');
    expect(r.clusters).toEqual([{ name: 'outbound|8000|v2|legacy.default.svc.cluster.local' }]);
    expect(r.endpoints).toEqual(['10.244.1.61:8000']);
  });
});
