// The `virtualInbound` listener: per-port filter chains, mTLS/plaintext split, passthrough.
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import type { FilterChain } from '../../../gen/envoy/config/listener/v3/listener_components_pb.js';
import { DownstreamTlsContextSchema } from '../../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { hcmOfFilter, tcpProxyClusters, tcpProxyOfFilter } from '../inspect.js';
import { buildSidecarScope } from '../sidecar-scope.js';
import { buildVirtualInboundListener } from '../virtual-inbound.js';
import { REVIEWS, REVIEWS_NODE, proxyOf, world } from './fixtures.js';

function inbound(extra = '') {
  const push = world(REVIEWS + extra);
  const proxy = proxyOf(push, REVIEWS_NODE);
  return buildVirtualInboundListener(proxy, push, buildSidecarScope(proxy, push));
}

const portChains = (chains: FilterChain[], port: number) =>
  chains.filter((c) => c.filterChainMatch?.destinationPort === port);

function policy(mode: string, extra = ''): string {
  return `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: default}
spec:
  mtls: {mode: ${mode}}
${extra}`;
}

describe('virtualInbound', () => {
  it('listens on 15006 with original_dst, tls_inspector and http_inspector', () => {
    const l = inbound();
    expect(l.name).toBe('virtualInbound');
    expect(l.listenerFilters.map((f) => f.name)).toEqual([
      'envoy.filters.listener.original_dst',
      'envoy.filters.listener.tls_inspector',
      'envoy.filters.listener.http_inspector',
    ]);
    expect(l.filterChains[0].name).toBe('virtualInbound-blackhole');
  });

  it('matches the workload (target) port and routes it to inbound|<port>|| through an inline route', () => {
    const chains = portChains(inbound().filterChains, 9081);
    expect(chains).toHaveLength(2);
    const hcm = hcmOfFilter(chains[1].filters[0]);
    expect(hcm?.routeSpecifier.case).toBe('routeConfig');
    const rc = hcm?.routeSpecifier.case === 'routeConfig' ? hcm.routeSpecifier.value : undefined;
    expect(rc?.name).toBe('inbound|9081||');
    const action = rc?.virtualHosts[0].routes[0].action;
    expect(action?.case === 'route' && action.value.clusterSpecifier.value).toBe('inbound|9081||');
    expect(hcm?.httpFilters.map((f) => f.name)).toEqual([
      'envoy.filters.http.fault',
      'envoy.filters.http.cors',
      'envoy.filters.http.router',
    ]);
  });

  it('PERMISSIVE (default): an mTLS chain and a plaintext chain per port', () => {
    const chains = portChains(inbound().filterChains, 9081);
    expect(chains.map((c) => c.filterChainMatch?.transportProtocol)).toEqual(['tls', 'raw_buffer']);
    expect(chains[0].transportSocket?.name).toBe('envoy.transport_sockets.tls');
    expect(chains[1].transportSocket).toBeUndefined();
  });

  it('STRICT: only the mTLS chain, with SDS secrets default and ROOTCA from sds-grpc', () => {
    const l = inbound(policy('STRICT'));
    const chains = portChains(l.filterChains, 9081);
    expect(chains.map((c) => c.filterChainMatch?.transportProtocol)).toEqual(['tls']);
    const ts = chains[0].transportSocket?.configType;
    const ctx =
      ts?.case === 'typedConfig' ? anyUnpack(ts.value, DownstreamTlsContextSchema) : undefined;
    expect(ctx?.requireClientCertificate).toBe(true);
    const cert = ctx?.commonTlsContext?.tlsCertificateSdsSecretConfigs[0];
    expect(cert?.name).toBe('default');
    const src = cert?.sdsConfig?.configSourceSpecifier;
    expect(
      src?.case === 'apiConfigSource' && src.value.grpcServices[0].targetSpecifier.value,
    ).toMatchObject({
      clusterName: 'sds-grpc',
    });
    const vc = ctx?.commonTlsContext?.validationContextType;
    expect(
      vc?.case === 'combinedValidationContext' && vc.value.validationContextSdsSecretConfig?.name,
    ).toBe('ROOTCA');
    // The passthrough chains are STRICT too: no plaintext catch-all.
    expect(
      l.filterChains.filter((c) => c.filterChainMatch?.transportProtocol === 'raw_buffer'),
    ).toEqual([]);
  });

  it('DISABLE: one plaintext (raw_buffer) chain', () => {
    const chains = portChains(inbound(policy('DISABLE')).filterChains, 9081);
    expect(chains).toHaveLength(1);
    expect(chains[0].filterChainMatch?.transportProtocol).toBe('raw_buffer');
    expect(chains[0].transportSocket).toBeUndefined();
  });

  it('Sidecar ingress listeners replace the service ports', () => {
    const sidecar = `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: reviews, namespace: default}
spec:
  workloadSelector: {labels: {app: reviews}}
  ingress:
  - port: {number: 7070, protocol: TCP, name: tcp}
    defaultEndpoint: 127.0.0.1:7070
`;
    const l = inbound(sidecar);
    expect(portChains(l.filterChains, 9081)).toEqual([]);
    const chains = portChains(l.filterChains, 7070);
    // PERMISSIVE TCP: Istio mTLS (by ALPN), one-way TLS proxied as TCP, plaintext.
    expect(
      chains.map((c) => [c.filterChainMatch?.transportProtocol, c.transportSocket !== undefined]),
    ).toEqual([
      ['tls', true],
      ['tls', false],
      ['raw_buffer', false],
    ]);
    expect(chains[0].filterChainMatch?.applicationProtocols).toContain('istio-peer-exchange');
    const tcp = tcpProxyOfFilter(chains[0].filters[0]);
    expect(tcp && tcpProxyClusters(tcp)).toEqual(['inbound|7070||']);
  });

  it('catch-all chains pass undeclared ports to InboundPassthroughCluster', () => {
    const catchAll = inbound().filterChains.filter((c) => c.name === 'virtualInbound');
    expect(catchAll.map((c) => c.filterChainMatch?.transportProtocol)).toEqual([
      'tls',
      'raw_buffer',
      'tls',
    ]);
    const tcp = tcpProxyOfFilter(catchAll[1].filters[0]);
    expect(tcp && tcpProxyClusters(tcp)).toEqual(['InboundPassthroughCluster']);
  });
});
