// DestinationRule traffic policies and subsets → Envoy Cluster fields.
import type { JsonObject } from '@bufbuild/protobuf';

import { buildClusters } from '../build-clusters.js';
import { byName, clusterJson, getPath, world } from './helpers.js';
import { PRODUCTPAGE, REVIEWS, withConfig } from './fixtures.js';

function clustersWith(dr: string): JsonObject[] {
  const { push, proxy } = world(withConfig(dr), PRODUCTPAGE);
  return buildClusters(proxy, push).map(clusterJson);
}

function find(clusters: JsonObject[], name: string): JsonObject {
  return byName(
    clusters.map((c) => ({ ...c, name: c.name as string })),
    name,
  );
}

const header = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }`;

describe('DestinationRule → clusters', () => {
  it('one cluster per subset, with subset and config metadata and subset SNI', () => {
    const cs = clustersWith(`${header}
spec:
  host: reviews
  subsets:
  - { name: v1, labels: { version: v1 } }
  - { name: v2, labels: { version: v2 } }`);
    const names = cs.map((c) => c.name).filter((n) => (n as string).includes('reviews'));
    expect(names).toEqual([
      `outbound|9080||${REVIEWS}`,
      `outbound|9080|v1|${REVIEWS}`,
      `outbound|9080|v2|${REVIEWS}`,
    ]);
    const v1 = find(cs, `outbound|9080|v1|${REVIEWS}`);
    expect(getPath(v1, 'metadata.filter_metadata.istio')).toEqual({
      services: [{ host: REVIEWS, name: 'reviews', namespace: 'default' }],
      config: '/apis/networking.istio.io/v1alpha3/namespaces/default/destination-rule/reviews',
      subset: 'v1',
    });
    expect(getPath(v1, 'eds_cluster_config.service_name')).toBe(`outbound|9080|v1|${REVIEWS}`);
    const tls = getPath(v1, 'transport_socket_matches') as JsonObject[];
    expect(getPath(tls[0], 'transport_socket.typed_config.sni')).toBe(
      `outbound_.9080_.v1_.${REVIEWS}`,
    );
  });

  it.each([
    ['RANDOM', 'RANDOM'],
    ['ROUND_ROBIN', 'ROUND_ROBIN'],
    ['LEAST_REQUEST', 'LEAST_REQUEST'],
    ['LEAST_CONN', 'LEAST_REQUEST'],
  ])('loadBalancer.simple %s → %s', (simple, policy) => {
    const c = find(
      clustersWith(`${header}
spec: { host: reviews, trafficPolicy: { loadBalancer: { simple: ${simple} } } }`),
      `outbound|9080||${REVIEWS}`,
    );
    // ROUND_ROBIN is the enum's zero value, omitted by proto3 JSON.
    expect(c.lb_policy ?? 'ROUND_ROBIN').toBe(policy);
  });

  it('PASSTHROUGH turns the cluster into ORIGINAL_DST', () => {
    const c = find(
      clustersWith(`${header}
spec: { host: reviews, trafficPolicy: { loadBalancer: { simple: PASSTHROUGH } } }`),
      `outbound|9080||${REVIEWS}`,
    );
    expect(c.type).toBe('ORIGINAL_DST');
    expect(c.lb_policy).toBe('CLUSTER_PROVIDED');
    expect(c.eds_cluster_config).toBeUndefined();
  });

  it('consistentHash: header → RING_HASH 1024, ringHash size, maglev', () => {
    const header1 = find(
      clustersWith(`${header}
spec: { host: reviews, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: x-user } } } }`),
      `outbound|9080||${REVIEWS}`,
    );
    expect(header1.lb_policy).toBe('RING_HASH');
    expect(header1.ring_hash_lb_config).toEqual({ minimum_ring_size: '1024' });
    const ring = find(
      clustersWith(`${header}
spec: { host: reviews, trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true, ringHash: { minimumRingSize: 4096 } } } } }`),
      `outbound|9080||${REVIEWS}`,
    );
    expect(ring.ring_hash_lb_config).toEqual({ minimum_ring_size: '4096' });
    const maglev = find(
      clustersWith(`${header}
spec: { host: reviews, trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } } } }`),
      `outbound|9080||${REVIEWS}`,
    );
    expect(maglev.lb_policy).toBe('MAGLEV');
    expect(maglev.maglev_lb_config).toEqual({ table_size: '65537' });
  });

  it('connectionPool → connect timeout, circuit breakers and HTTP protocol options', () => {
    const c = find(
      clustersWith(`${header}
spec:
  host: reviews
  trafficPolicy:
    connectionPool:
      tcp: { maxConnections: 100, connectTimeout: 30ms, tcpKeepalive: { time: 7200s, interval: 75s } }
      http: { http1MaxPendingRequests: 10, http2MaxRequests: 1000, maxRequestsPerConnection: 1, maxRetries: 3, idleTimeout: 15s, h2UpgradePolicy: UPGRADE }`),
      `outbound|9080||${REVIEWS}`,
    );
    expect(c.connect_timeout).toBe('0.030s');
    expect(c.circuit_breakers).toEqual({
      thresholds: [
        { max_connections: 100, max_pending_requests: 10, max_requests: 1000, max_retries: 3 },
      ],
    });
    expect(c.upstream_connection_options).toEqual({
      tcp_keepalive: { keepalive_time: 7200, keepalive_interval: 75 },
    });
    const http = (c.typed_extension_protocol_options as JsonObject)[
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
    ] as JsonObject;
    expect(http.common_http_protocol_options).toEqual({
      idle_timeout: '15s',
      max_requests_per_connection: 1,
    });
    expect(http.explicit_http_config).toEqual({ http2_protocol_options: {} });
  });

  it('useClientProtocol → use_downstream_protocol_config', () => {
    const c = find(
      clustersWith(`${header}
spec: { host: reviews, trafficPolicy: { connectionPool: { http: { useClientProtocol: true } } } }`),
      `outbound|9080||${REVIEWS}`,
    );
    const http = (c.typed_extension_protocol_options as JsonObject)[
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
    ] as JsonObject;
    expect(http.use_downstream_protocol_config).toEqual({
      http_protocol_options: {},
      http2_protocol_options: {},
    });
  });

  it('outlierDetection → outlier_detection and healthy_panic_threshold', () => {
    const c = find(
      clustersWith(`${header}
spec:
  host: reviews
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 7, consecutiveGatewayErrors: 0, interval: 5m, baseEjectionTime: 15m, maxEjectionPercent: 50 }`),
      `outbound|9080||${REVIEWS}`,
    );
    expect(c.outlier_detection).toEqual({
      consecutive_5xx: 7,
      enforcing_consecutive_5xx: 100,
      consecutive_gateway_failure: 0,
      enforcing_consecutive_gateway_failure: 0,
      interval: '300s',
      base_ejection_time: '900s',
      max_ejection_percent: 50,
      enforcing_success_rate: 0,
    });
    expect(c.common_lb_config).toEqual({ healthy_panic_threshold: {} });
    const withMin = find(
      clustersWith(`${header}
spec: { host: reviews, trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1, minHealthPercent: 30 } } }`),
      `outbound|9080||${REVIEWS}`,
    );
    expect(withMin.common_lb_config).toEqual({ healthy_panic_threshold: { value: 30 } });
  });

  it('subset and port-level policies replace whole blocks, others are inherited', () => {
    const cs = clustersWith(`${header}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: { simple: RANDOM }
    connectionPool: { tcp: { maxConnections: 10 } }
    portLevelSettings:
    - port: { number: 9080 }
      connectionPool: { http: { http2MaxRequests: 5 } }
  subsets:
  - name: v1
    labels: { version: v1 }
    trafficPolicy:
      loadBalancer: { simple: ROUND_ROBIN }
  - name: v2
    labels: { version: v2 }
    trafficPolicy:
      portLevelSettings:
      - port: { number: 9080 }
        loadBalancer: { simple: LEAST_REQUEST }`);
    const def = find(cs, `outbound|9080||${REVIEWS}`);
    expect(def.lb_policy).toBe('RANDOM');
    // The port-level pool replaced the top-level one as a whole: maxConnections is back to unlimited.
    expect(getPath(def, 'circuit_breakers.thresholds')).toEqual([
      {
        max_connections: 4294967295,
        max_pending_requests: 4294967295,
        max_requests: 5,
        max_retries: 4294967295,
      },
    ]);
    const v1 = find(cs, `outbound|9080|v1|${REVIEWS}`);
    expect(v1.lb_policy).toBeUndefined(); // ROUND_ROBIN
    expect((getPath(v1, 'circuit_breakers.thresholds') as JsonObject[])[0].max_requests).toBe(5);
    const v2 = find(cs, `outbound|9080|v2|${REVIEWS}`);
    expect(v2.lb_policy).toBe('LEAST_REQUEST');
  });

  it('tls DISABLE → plaintext, no socket matches', () => {
    const c = find(
      clustersWith(`${header}
spec: { host: reviews, trafficPolicy: { tls: { mode: DISABLE } } }`),
      `outbound|9080||${REVIEWS}`,
    );
    expect(c.transport_socket).toBeUndefined();
    expect(c.transport_socket_matches).toBeUndefined();
  });

  it('tls ISTIO_MUTUAL → plain transport_socket (not matches) with SAN and SNI', () => {
    const c = find(
      clustersWith(`${header}
spec: { host: reviews, trafficPolicy: { tls: { mode: ISTIO_MUTUAL } } }`),
      `outbound|9080||${REVIEWS}`,
    );
    expect(c.transport_socket_matches).toBeUndefined();
    expect(getPath(c, 'transport_socket.name')).toBe('envoy.transport_sockets.tls');
    expect(getPath(c, 'transport_socket.typed_config.sni')).toBe(`outbound_.9080_._.${REVIEWS}`);
    expect(
      getPath(
        c,
        'transport_socket.typed_config.common_tls_context.combined_validation_context.default_validation_context',
      ),
    ).toEqual({
      match_subject_alt_names: [{ exact: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews' }],
    });
  });

  it('tls SIMPLE to an external host: system CA via file-root, auto SNI/SAN, alpn_override', () => {
    const c = find(
      clustersWith(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: httpbin, namespace: default }
spec: { host: httpbin.org, trafficPolicy: { tls: { mode: SIMPLE } } }`),
      'outbound|443||httpbin.org',
    );
    const ctx = getPath(c, 'transport_socket.typed_config') as JsonObject;
    expect(ctx.sni).toBeUndefined();
    expect(
      getPath(
        ctx,
        'common_tls_context.combined_validation_context.validation_context_sds_secret_config.name',
      ),
    ).toBe('file-root:system');
    const http = (c.typed_extension_protocol_options as JsonObject)[
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
    ] as JsonObject;
    expect(http.upstream_http_protocol_options).toEqual({
      auto_sni: true,
      auto_san_validation: true,
    });
    expect(getPath(c, 'metadata.filter_metadata.istio.alpn_override')).toBe('false');
  });

  it('tls MUTUAL with files → file-cert SDS secret; credentialName on a sidecar is ignored', () => {
    const files = find(
      clustersWith(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: httpbin, namespace: default }
spec:
  host: httpbin.org
  trafficPolicy:
    tls: { mode: MUTUAL, clientCertificate: /etc/c.pem, privateKey: /etc/k.pem, caCertificates: /etc/ca.pem, sni: httpbin.org }`),
      'outbound|443||httpbin.org',
    );
    const common = getPath(files, 'transport_socket.typed_config.common_tls_context') as JsonObject;
    expect(getPath(files, 'transport_socket.typed_config.sni')).toBe('httpbin.org');
    expect((common.tls_certificate_sds_secret_configs as JsonObject[])[0].name).toBe(
      'file-cert:/etc/c.pem~/etc/k.pem',
    );
    expect(
      getPath(common, 'combined_validation_context.validation_context_sds_secret_config.name'),
    ).toBe('file-root:/etc/ca.pem');
    const cred = find(
      clustersWith(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: httpbin, namespace: default }
spec: { host: httpbin.org, trafficPolicy: { tls: { mode: SIMPLE, credentialName: my-secret } } }`),
      'outbound|443||httpbin.org',
    );
    expect(cred.transport_socket).toBeUndefined();
  });

  it('credentialName on a gateway → SDS over ADS with kubernetes:// names', () => {
    const { push, proxy } = world(
      withConfig(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: httpbin, namespace: default }
spec: { host: httpbin.org, trafficPolicy: { tls: { mode: MUTUAL, credentialName: my-secret } } }`),
      { type: 'router', ip: '10.244.9.9', pod: 'ingress-0', namespace: 'istio-system' },
    );
    const c = clusterJson(byName(buildClusters(proxy, push), 'outbound|443||httpbin.org'));
    const common = getPath(c, 'transport_socket.typed_config.common_tls_context') as JsonObject;
    expect(common.tls_certificate_sds_secret_configs).toEqual([
      { name: 'kubernetes://my-secret', sds_config: { ads: {}, resource_api_version: 'V3' } },
    ]);
    expect(
      getPath(common, 'combined_validation_context.validation_context_sds_secret_config.name'),
    ).toBe('kubernetes://my-secret-cacert');
  });
});
