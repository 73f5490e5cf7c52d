// Sidecar outbound listeners: `0.0.0.0_<port>` for HTTP, per-VIP listeners for TCP.
import { TrafficDirection } from '../../../gen/envoy/config/core/v3/base_pb.js';
import type { Listener } from '../../../gen/envoy/config/listener/v3/listener_pb.js';
import { buildSidecarOutboundListeners } from '../sidecar-outbound.js';
import { buildSidecarScope } from '../sidecar-scope.js';
import { hcmOfFilter, rdsNamesOf, tcpProxyClusters, tcpProxyOfFilter } from '../inspect.js';
import { REVIEWS, REVIEWS_NODE, proxyOf, service, world } from './fixtures.js';

function outbound(extra: string): Listener[] {
  const push = world(REVIEWS + extra);
  const proxy = proxyOf(push, REVIEWS_NODE);
  return buildSidecarOutboundListeners(proxy, push, buildSidecarScope(proxy, push));
}

const byName = (ls: Listener[], name: string) => ls.find((l) => l.name === name);

describe('sidecar outbound listeners', () => {
  it('one 0.0.0.0_<port> HTTP listener per port with RDS <port>, not bound, outbound', () => {
    const ls = outbound(service('ratings', 'default', '10.96.0.12', '[{name: http, port: 9080}]'));
    expect(ls.map((l) => l.name)).toEqual(['0.0.0.0_9080']);
    const l = ls[0];
    expect(l.bindToPort).toBe(false);
    expect(l.trafficDirection).toBe(TrafficDirection.OUTBOUND);
    expect(rdsNamesOf(l)).toEqual(['9080']);
    const hcm = hcmOfFilter(l.filterChains[0].filters[0]);
    expect(hcm?.statPrefix).toBe('outbound_0.0.0.0_9080');
    expect(hcm?.httpFilters.map((f) => f.name)).toEqual([
      'envoy.filters.http.fault',
      'envoy.filters.http.cors',
      'envoy.filters.http.router',
    ]);
    expect(hcm?.tracing).toBeUndefined();
  });

  it('adds grpc_stats before fault for gRPC ports', () => {
    const ls = outbound(service('greeter', 'default', '10.96.0.20', '[{name: grpc, port: 7000}]'));
    const hcm = hcmOfFilter(
      byName(ls, '0.0.0.0_7000')?.filterChains[0].filters[0] ?? ls[0].filterChains[0].filters[0],
    );
    expect(hcm?.httpFilters[0].name).toBe('envoy.filters.http.grpc_stats');
  });

  it('TCP services get <vip>_<port> with tcp_proxy to the service cluster', () => {
    const ls = outbound(service('mysql', 'default', '10.96.0.30', '[{name: tcp, port: 3306}]'));
    const l = byName(ls, '10.96.0.30_3306');
    expect(l).toBeDefined();
    const tcp = l && tcpProxyOfFilter(l.filterChains[0].filters[0]);
    expect(tcp && tcpProxyClusters(tcp)).toEqual([
      'outbound|3306||mysql.default.svc.cluster.local',
    ]);
  });

  it('TLS ServiceEntry hosts without addresses get SNI chains on 0.0.0.0_<port>', () => {
    const se = `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: default}
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: tls, protocol: TLS}]
`;
    const l = byName(outbound(se), '0.0.0.0_443');
    expect(l?.listenerFilters.map((f) => f.name)).toEqual(['envoy.filters.listener.tls_inspector']);
    expect(l?.filterChains[0].filterChainMatch?.serverNames).toEqual(['api.example.com']);
    const tcp = l && tcpProxyOfFilter(l.filterChains[0].filters[0]);
    expect(tcp && tcpProxyClusters(tcp)).toEqual(['outbound|443||api.example.com']);
    expect(l?.defaultFilterChain?.name).toBe('PassthroughFilterChain');
  });

  it('VirtualService tls routes become SNI chains to their destinations', () => {
    const extra =
      service('web', 'default', '10.96.0.40', '[{name: https, port: 443}]') +
      `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: default}
spec:
  hosts: [web]
  tls:
  - match: [{sniHosts: [web.example.com], port: 443}]
    route: [{destination: {host: web, subset: v2}}]
`;
    const l = byName(outbound(extra), '10.96.0.40_443');
    expect(l?.filterChains[0].filterChainMatch?.serverNames).toEqual(['web.example.com']);
    const tcp = l && tcpProxyOfFilter(l.filterChains[0].filters[0]);
    expect(tcp && tcpProxyClusters(tcp)).toEqual(['outbound|443|v2|web.default.svc.cluster.local']);
  });

  it('undeclared protocols are sniffed on <vip>_<port>: HTTP by ALPN to RDS <fqdn>:<port>, else tcp_proxy', () => {
    const l = byName(
      outbound(service('legacy', 'default', '10.96.0.50', '[{name: legacy, port: 8000}]')),
      '10.96.0.50_8000',
    );
    expect(l?.bindToPort).toBe(false);
    expect(l?.listenerFilters.map((f) => f.name)).toEqual([
      'envoy.filters.listener.http_inspector',
    ]);
    expect(l?.filterChains).toHaveLength(1);
    expect(l?.filterChains[0].filterChainMatch?.transportProtocol).toBe('raw_buffer');
    expect(l?.filterChains[0].filterChainMatch?.applicationProtocols).toEqual(['http/1.1', 'h2c']);
    expect(l && rdsNamesOf(l)).toEqual(['legacy.default.svc.cluster.local:8000']);
    expect(l && hcmOfFilter(l.filterChains[0].filters[0])?.statPrefix).toBe(
      'outbound_10.96.0.50_8000',
    );
    const fallback = l?.defaultFilterChain?.filters[0];
    const tcp = fallback && tcpProxyOfFilter(fallback);
    expect(tcp && tcpProxyClusters(tcp)).toEqual([
      'outbound|8000||legacy.default.svc.cluster.local',
    ]);
  });

  it('sniffed services without a VIP share 0.0.0.0_<port> with RDS <port>', () => {
    const ls = outbound(service('headless', 'default', undefined, '[{name: legacy, port: 8001}]'));
    const l = byName(ls, '0.0.0.0_8001');
    expect(l && rdsNamesOf(l)).toEqual(['8001']);
  });
});
