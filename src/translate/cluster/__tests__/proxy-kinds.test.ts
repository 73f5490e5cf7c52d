// Which clusters a sidecar and a gateway get.
import type { JsonObject } from '@bufbuild/protobuf';

import { buildClusters } from '../build-clusters.js';
import { byName, clusterJson, getPath, world } from './helpers.js';
import { MESH, PRODUCTPAGE, REVIEWS, withConfig } from './fixtures.js';

describe('sidecar cluster set', () => {
  const { push, proxy } = world(MESH, PRODUCTPAGE);
  const clusters = buildClusters(proxy, push);
  const names = clusters.map((c) => c.name);

  it('orders outbound, BlackHole, Passthrough, inbound, InboundPassthrough; names unique', () => {
    const bh = names.indexOf('BlackHoleCluster');
    expect(names.slice(bh)).toEqual([
      'BlackHoleCluster',
      'PassthroughCluster',
      'inbound|9080||',
      'inbound|19090||',
      'InboundPassthroughCluster',
    ]);
    expect(names.slice(0, bh).every((n) => n.startsWith('outbound|'))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('BlackHoleCluster is STATIC without endpoints', () => {
    expect(clusterJson(byName(clusters, 'BlackHoleCluster'))).toEqual({
      name: 'BlackHoleCluster',
      type: 'STATIC',
      connect_timeout: '10s',
      alt_stat_name: 'BlackHoleCluster;',
    });
  });

  it('PassthroughCluster is ORIGINAL_DST, CLUSTER_PROVIDED, following the downstream protocol', () => {
    const c = clusterJson(byName(clusters, 'PassthroughCluster'));
    expect(c.type).toBe('ORIGINAL_DST');
    expect(c.lb_policy).toBe('CLUSTER_PROVIDED');
    expect(
      (c.typed_extension_protocol_options as JsonObject)[
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
      ],
    ).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      common_http_protocol_options: { idle_timeout: '300s' },
      use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} },
    });
  });

  it('InboundPassthroughCluster binds to 127.0.0.6', () => {
    const c = clusterJson(byName(clusters, 'InboundPassthroughCluster'));
    expect(c.type).toBe('ORIGINAL_DST');
    expect(c.upstream_bind_config).toEqual({
      source_address: { address: '127.0.0.6', port_value: 0 },
    });
  });

  it('inbound clusters: ORIGINAL_DST by target port, bound to 127.0.0.6, never cleaned up', () => {
    const c = clusterJson(byName(clusters, 'inbound|9080||'));
    expect(c.type).toBe('ORIGINAL_DST');
    expect(c.lb_policy).toBe('CLUSTER_PROVIDED');
    expect(c.cleanup_interval).toBe('9223372035s');
    expect(c.upstream_bind_config).toEqual({
      source_address: { address: '127.0.0.6', port_value: 0 },
    });
    expect(c.transport_socket_matches).toBeUndefined();
    expect(getPath(c, 'metadata.filter_metadata.istio.services')).toEqual([
      { host: 'productpage.default.svc.cluster.local', name: 'productpage', namespace: 'default' },
    ]);
    const grpc = clusterJson(byName(clusters, 'inbound|19090||'));
    expect(
      getPath(
        (grpc.typed_extension_protocol_options as JsonObject)[
          'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
        ],
        'explicit_http_config',
      ),
    ).toEqual({ http2_protocol_options: {} });
  });

  it('a DestinationRule connection pool also applies to the inbound cluster', () => {
    const w = world(
      withConfig(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: productpage, namespace: default }
spec: { host: productpage, trafficPolicy: { connectionPool: { tcp: { maxConnections: 7 } } } }`),
      PRODUCTPAGE,
    );
    const c = clusterJson(byName(buildClusters(w.proxy, w.push), 'inbound|9080||'));
    expect((getPath(c, 'circuit_breakers.thresholds') as JsonObject[])[0].max_connections).toBe(7);
  });

  it('Sidecar ingress defaultEndpoint → STATIC inbound cluster to that address', () => {
    const w = world(
      withConfig(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: pp, namespace: default }
spec:
  workloadSelector: { labels: { app: productpage } }
  ingress:
  - port: { number: 9080, protocol: HTTP, name: http }
    defaultEndpoint: 127.0.0.1:8080
  - port: { number: 9443, protocol: TCP, name: tcp }
    defaultEndpoint: 0.0.0.0:9443`),
      PRODUCTPAGE,
    );
    const cs = buildClusters(w.proxy, w.push);
    expect(cs.filter((c) => c.name.startsWith('inbound|')).map((c) => c.name)).toEqual([
      'inbound|9080||',
      'inbound|9443||',
    ]);
    const local = clusterJson(byName(cs, 'inbound|9080||'));
    expect(local.type).toBe('STATIC');
    expect(getPath(local, 'load_assignment.endpoints')).toEqual([
      {
        lb_endpoints: [
          { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 8080 } } } },
        ],
      },
    ]);
    expect(local.upstream_bind_config).toBeUndefined();
    const podIp = clusterJson(byName(cs, 'inbound|9443||'));
    expect(getPath(podIp, 'load_assignment.endpoints')).toEqual([
      {
        lb_endpoints: [
          {
            endpoint: { address: { socket_address: { address: '10.244.0.41', port_value: 9443 } } },
          },
        ],
      },
    ]);
    expect(podIp.upstream_bind_config).toEqual({
      source_address: { address: '127.0.0.6', port_value: 0 },
    });
  });

  it('egress scoping: only services the predicate admits get clusters', () => {
    const scoped = buildClusters(proxy, push, {
      isServiceVisible: (s) => s.hostname === REVIEWS,
    }).map((c) => c.name);
    expect(scoped.filter((n) => n.startsWith('outbound|'))).toEqual([`outbound|9080||${REVIEWS}`]);
  });
});

describe('gateway (router) cluster set', () => {
  const { push, proxy } = world(MESH, {
    type: 'router',
    ip: '10.244.9.9',
    pod: 'ingress-0',
    namespace: 'istio-system',
  });
  const clusters = buildClusters(proxy, push);

  it('has outbound clusters and BlackHoleCluster only (no passthrough, no inbound)', () => {
    const names = clusters.map((c) => c.name);
    expect(names[names.length - 1]).toBe('BlackHoleCluster');
    expect(names).not.toContain('PassthroughCluster');
    expect(names.some((n) => n.startsWith('inbound|'))).toBe(false);
    expect(names).toContain(`outbound|9080||${REVIEWS}`);
  });

  it('headless services use EDS on gateways', () => {
    expect(clusterJson(byName(clusters, 'outbound|5432||db.default.svc.cluster.local')).type).toBe(
      'EDS',
    );
  });
});
