// Sidecar ingress listeners: captureMode NONE turns a port into a real listener bound to
// `<bind>:<port>` (bind default: the pod IP); otherwise the port stays virtualInbound chains,
// named after the same binding.
import type { Listener } from '../../../gen/envoy/config/listener/v3/listener_pb.js';
import { buildBoundInboundListeners } from '../bound-inbound.js';
import { hcmOfFilter } from '../inspect.js';
import { buildSidecarScope } from '../sidecar-scope.js';
import { buildVirtualInboundListener } from '../virtual-inbound.js';
import { REVIEWS, REVIEWS_NODE, proxyOf, world } from './fixtures.js';

function sidecar(ingress: string): string {
  return `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: reviews, namespace: default}
spec:
  workloadSelector: {labels: {app: reviews}}
  ingress:
${ingress}
`;
}

const STRICT = `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: default}
spec: {mtls: {mode: STRICT}}
`;

function inbound(yaml: string): { bound: Listener[]; virtual: Listener } {
  const push = world(REVIEWS + yaml);
  const proxy = proxyOf(push, REVIEWS_NODE);
  const scope = buildSidecarScope(proxy, push);
  return {
    bound: buildBoundInboundListeners(proxy, push, scope),
    virtual: buildVirtualInboundListener(proxy, push, scope),
  };
}

const chainNames = (l: Listener): string[] => l.filterChains.map((c) => c.name);

describe('Sidecar ingress listeners', () => {
  it('captureMode NONE: a listener bound to <pod IP>:<port>, not chains in virtualInbound', () => {
    const { bound, virtual } = inbound(
      sidecar(`  - port: {number: 9081, protocol: HTTP, name: http}
    defaultEndpoint: 127.0.0.1:8080
    captureMode: NONE`),
    );
    expect(bound.map((l) => l.name)).toEqual(['10.244.1.31_9081']);
    const l = bound[0];
    const sa = l.address?.address;
    expect(sa?.case === 'socketAddress' && sa.value.address).toBe('10.244.1.31');
    expect(l.bindToPort).toBeUndefined(); // Envoy's default: a real socket
    expect(l.maxConnectionsToAcceptPerSocketEvent).toBe(1);
    expect(l.listenerFilters.map((f) => f.name)).not.toContain(
      'envoy.filters.listener.original_dst',
    );
    // PERMISSIVE: an mTLS chain and a plaintext chain, both to the STATIC inbound cluster.
    expect(l.filterChains.map((c) => c.filterChainMatch?.transportProtocol)).toEqual([
      'tls',
      'raw_buffer',
    ]);
    expect(chainNames(l)).toEqual(['10.244.1.31_9081', '10.244.1.31_9081']);
    const hcm = hcmOfFilter(l.filterChains[1].filters[l.filterChains[1].filters.length - 1]);
    expect(hcm?.statPrefix).toBe('inbound_10.244.1.31_9081');
    const rc = hcm?.routeSpecifier.case === 'routeConfig' ? hcm.routeSpecifier.value : undefined;
    const action = rc?.virtualHosts[0].routes[0].action;
    expect(action?.case === 'route' && action.value.clusterSpecifier.value).toBe('inbound|9081||');
    // TLS inspection only for the port's TLS chain.
    const tlsInspector = l.listenerFilters.find(
      (f) => f.name === 'envoy.filters.listener.tls_inspector',
    );
    expect(tlsInspector?.filterDisabled?.rule.case).toBe('notMatch');
    expect(chainNames(virtual)).not.toContain('10.244.1.31_9081');
    expect(virtual.filterChains.some((c) => c.filterChainMatch?.destinationPort === 9081)).toBe(
      false,
    );
  });

  it('an explicit bind names and addresses the listener; STRICT leaves only the mTLS chain', () => {
    const { bound } = inbound(
      STRICT +
        sidecar(`  - port: {number: 5000, protocol: TCP, name: tcp}
    bind: 0.0.0.0
    defaultEndpoint: 127.0.0.1:5001
    captureMode: NONE`),
    );
    expect(bound.map((l) => l.name)).toEqual(['0.0.0.0_5000']);
    expect(bound[0].filterChains.map((c) => c.filterChainMatch?.transportProtocol)).toEqual([
      'tls',
    ]);
  });

  it('default capture: the port stays chains of virtualInbound, named <pod IP>_<port>', () => {
    const { bound, virtual } = inbound(
      sidecar(`  - port: {number: 9081, protocol: HTTP, name: http}
    defaultEndpoint: 127.0.0.1:8080`),
    );
    expect(bound).toEqual([]);
    const port = virtual.filterChains.filter((c) => c.filterChainMatch?.destinationPort === 9081);
    expect(port.map((c) => c.name)).toEqual(['10.244.1.31_9081', '10.244.1.31_9081']);
  });

  it('service-derived ports keep 0.0.0.0_<port> chains and no bound listener', () => {
    const { bound, virtual } = inbound('');
    expect(bound).toEqual([]);
    expect(chainNames(virtual)).toContain('0.0.0.0_9081');
  });
});
