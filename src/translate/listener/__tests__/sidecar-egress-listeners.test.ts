// Sidecar egress listeners with ports, bind and captureMode, as istiod orders and binds them.
import type { Listener } from '../../../gen/envoy/config/listener/v3/listener_pb.js';
import { translateProxy } from '../../translate-proxy.js';
import { rdsNamesOf, tcpProxyClusters, tcpProxyOfFilter } from '../inspect.js';
import { egressBinding } from '../listener-binding.js';
import { buildSidecarOutboundListeners } from '../sidecar-outbound.js';
import { buildSidecarScope, egressListenerFor } from '../sidecar-scope.js';
import { REVIEWS, REVIEWS_NODE, pod, proxyOf, service, world } from './fixtures.js';

const OTHERS =
  service('ratings', 'default', '10.96.0.12', '[{name: http, port: 9080}]') +
  service('details', 'default', '10.96.0.11', '[{name: http, port: 9080}]') +
  service('db', 'default', '10.96.0.20', '[{name: tcp, port: 5432}, {name: http, port: 8080}]') +
  pod('db-0', 'default', 'db', '10.244.1.70');

function sidecar(egress: string): string {
  return `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress:
${egress}
`;
}

function setup(yaml: string) {
  const push = world(REVIEWS + OTHERS + yaml);
  const proxy = proxyOf(push, REVIEWS_NODE);
  const scope = buildSidecarScope(proxy, push);
  return { push, proxy, scope, listeners: buildSidecarOutboundListeners(proxy, push, scope) };
}

const named = (ls: Listener[], name: string) => ls.find((l) => l.name === name);

describe('egressBinding', () => {
  const proxy = proxyOf(world(REVIEWS), REVIEWS_NODE);
  it('binds for real with captureMode NONE, on localhost unless a bind is given', () => {
    expect(egressBinding(proxy, { captureMode: 'NONE' })).toEqual({
      address: '127.0.0.1',
      bindToPort: true,
    });
    expect(egressBinding(proxy, { captureMode: 'NONE', bind: '127.0.0.2' })).toEqual({
      address: '127.0.0.2',
      bindToPort: true,
    });
  });
  it('keeps an explicit bind virtual under iptables capture', () => {
    expect(egressBinding(proxy, { bind: '127.0.0.2' })).toEqual({
      address: '127.0.0.2',
      bindToPort: false,
    });
    expect(egressBinding(proxy, {})).toEqual({ address: undefined, bindToPort: false });
  });
});

describe('sidecar egress listeners', () => {
  it('captureMode NONE without bind: <127.0.0.1>_<port> bound, RDS <port>, own hosts only', () => {
    const { listeners, scope } = setup(
      sidecar(`  - port: {number: 9080, protocol: HTTP, name: http}
    captureMode: NONE
    hosts: ["./ratings.default.svc.cluster.local"]`),
    );
    expect(listeners.map((l) => l.name)).toEqual(['127.0.0.1_9080']);
    expect(listeners[0].bindToPort).toBeUndefined();
    expect(rdsNamesOf(listeners[0])).toEqual(['9080']);
    expect(egressListenerFor(scope, 9080)?.services.map((s) => s.hostname)).toEqual([
      'ratings.default.svc.cluster.local',
    ]);
  });

  it('a bind under iptables capture names a virtual listener <bind>_<port>', () => {
    const { listeners } = setup(
      sidecar(`  - port: {number: 5432, protocol: TCP, name: tcp}
    bind: 127.0.0.2
    hosts: ["./*"]`),
    );
    const l = named(listeners, '127.0.0.2_5432');
    expect(l?.bindToPort).toBe(false);
    const tcp = l && tcpProxyOfFilter(l.filterChains[0].filters[0]);
    expect(tcp && tcpProxyClusters(tcp)).toEqual(['outbound|5432||db.default.svc.cluster.local']);
  });

  it('the egress port protocol decides the listener, and multi-port services are trimmed', () => {
    const { scope, listeners } = setup(
      sidecar(`  - port: {number: 8080, protocol: TCP, name: tcp}
    hosts: ["./db.default.svc.cluster.local"]`),
    );
    expect(listeners.map((l) => l.name)).toEqual(['10.96.0.20_8080']);
    expect(egressListenerFor(scope, 8080)?.services[0].ports.map((p) => p.port)).toEqual([8080]);
  });

  it('the catch-all adds no service to a port an explicit egress listener owns', () => {
    const yaml = sidecar(`  - port: {number: 9080, protocol: HTTP, name: http}
    hosts: ["./ratings.default.svc.cluster.local"]
  - hosts: ["./*"]`);
    const { listeners, push, proxy } = setup(yaml);
    expect(listeners.map((l) => l.name)).toEqual([
      '0.0.0.0_8080',
      '0.0.0.0_9080',
      '10.96.0.20_5432',
    ]);
    const res = translateProxy(proxy, push);
    const rc = res.routes.find((r) => r.name === '9080');
    expect(rc?.virtualHosts.map((v) => v.name)).toEqual([
      'ratings.default.svc.cluster.local:9080',
      'allow_any',
    ]);
    // The catch-all still imports reviews and details: their clusters stay.
    expect(res.clusters.map((c) => c.name)).toContain(
      'outbound|9080||details.default.svc.cluster.local',
    );
  });

  it('keeps the catch-all last whatever the declared order; no Sidecar: one catch-all', () => {
    const { scope } = setup(
      sidecar(`  - hosts: ["./*"]
  - port: {number: 5432, protocol: TCP, name: tcp}
    hosts: ["./db.default.svc.cluster.local"]`),
    );
    expect(scope.egressListeners.map((l) => l.port?.number)).toEqual([5432, undefined]);
    expect(egressListenerFor(scope, 9080)?.port).toBeUndefined();
    expect(setup('').scope.egressListeners.map((l) => l.services.length)).toEqual([4]);
  });
});
