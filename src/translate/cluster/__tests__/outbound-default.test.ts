// The outbound cluster a service gets with no DestinationRule, field by field as istiod.
import { buildClusters } from '../build-clusters.js';
import { byName, clusterJson, getPath, world } from './helpers.js';
import { MESH, PRODUCTPAGE, REVIEWS } from './fixtures.js';

describe('default outbound cluster (no DestinationRule)', () => {
  const { push, proxy } = world(MESH, PRODUCTPAGE);
  const clusters = buildClusters(proxy, push);
  const json = clusterJson(byName(clusters, `outbound|9080||${REVIEWS}`));

  it('is EDS over ADS named after itself', () => {
    expect(json.type).toBe('EDS');
    expect(json.eds_cluster_config).toEqual({
      eds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' },
      service_name: `outbound|9080||${REVIEWS}`,
    });
  });

  it('uses the mesh connect timeout, LEAST_REQUEST and unlimited circuit breakers', () => {
    expect(json.connect_timeout).toBe('10s');
    expect(json.lb_policy).toBe('LEAST_REQUEST');
    expect(json.circuit_breakers).toEqual({
      thresholds: [
        {
          max_connections: 4294967295,
          max_pending_requests: 4294967295,
          max_requests: 4294967295,
          max_retries: 4294967295,
        },
      ],
    });
    expect(json.alt_stat_name).toBe(`outbound|9080||${REVIEWS};`);
    expect(json.common_lb_config).toEqual({});
  });

  it('auto-mTLS: tlsMode-istio with ISTIO_MUTUAL context, then a raw-buffer fallback', () => {
    expect(json.transport_socket).toBeUndefined();
    const matches = json.transport_socket_matches as Array<Record<string, unknown>>;
    expect(matches.map((m) => m.name)).toEqual(['tlsMode-istio', 'tlsMode-disabled']);
    expect(matches[0].match).toEqual({ tlsMode: 'istio' });
    expect(matches[1].match).toEqual({});
    expect(matches[1].transport_socket).toEqual({
      name: 'envoy.transport_sockets.raw_buffer',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer',
      },
    });
    const tls = (matches[0].transport_socket as Record<string, Record<string, unknown>>)
      .typed_config;
    expect(tls['@type']).toBe(
      'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
    );
    expect(tls.sni).toBe(`outbound_.9080_._.${REVIEWS}`);
    const common = tls.common_tls_context as Record<string, unknown>;
    expect(common.alpn_protocols).toEqual(['istio-peer-exchange', 'istio']);
    expect(common.tls_params).toEqual({
      tls_minimum_protocol_version: 'TLSv1_2',
      tls_maximum_protocol_version: 'TLSv1_3',
    });
    const sdsConfig = {
      api_config_source: {
        api_type: 'GRPC',
        set_node_on_first_message_only: true,
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }],
      },
      initial_fetch_timeout: '0s',
      resource_api_version: 'V3',
    };
    expect(common.tls_certificate_sds_secret_configs).toEqual([
      { name: 'default', sds_config: sdsConfig },
    ]);
    expect(common.combined_validation_context).toEqual({
      default_validation_context: {
        match_subject_alt_names: [
          { exact: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews' },
        ],
      },
      validation_context_sds_secret_config: { name: 'ROOTCA', sds_config: sdsConfig },
    });
  });

  it('carries istio service metadata', () => {
    expect(json.metadata).toEqual({
      filter_metadata: {
        istio: { services: [{ host: REVIEWS, name: 'reviews', namespace: 'default' }] },
      },
    });
  });

  it('HTTP/2 for GRPC ports, plain HTTP ports get no protocol options', () => {
    const grpc = clusterJson(
      byName(clusters, 'outbound|7070||grpc-echo.default.svc.cluster.local'),
    );
    expect(grpc.typed_extension_protocol_options).toEqual({
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        explicit_http_config: { http2_protocol_options: {} },
      },
    });
    expect(json.typed_extension_protocol_options).toBeUndefined();
  });

  it('headless Kubernetes service → ORIGINAL_DST with CLUSTER_PROVIDED and no socket matches', () => {
    const db = clusterJson(byName(clusters, 'outbound|5432||db.default.svc.cluster.local'));
    expect(db.type).toBe('ORIGINAL_DST');
    expect(db.lb_policy).toBe('CLUSTER_PROVIDED');
    expect(db.eds_cluster_config).toBeUndefined();
    expect(db.transport_socket_matches).toBeUndefined();
  });

  it('DNS ServiceEntry → STRICT_DNS with inline endpoints and no mTLS', () => {
    const c = clusterJson(byName(clusters, 'outbound|443||httpbin.org'));
    expect(c.type).toBe('STRICT_DNS');
    expect(c.dns_lookup_family).toBe('V4_ONLY');
    expect(c.respect_dns_ttl).toBe(true);
    expect(c.dns_refresh_rate).toBe('60s');
    expect(c.load_assignment).toMatchObject({
      cluster_name: 'outbound|443||httpbin.org',
      endpoints: [
        {
          lb_endpoints: [
            {
              endpoint: {
                address: { socket_address: { address: 'httpbin.org', port_value: 443 } },
              },
            },
          ],
          load_balancing_weight: 1,
        },
      ],
    });
    expect(c.transport_socket_matches).toBeUndefined();
    expect(getPath(c, 'metadata.filter_metadata.istio.external')).toBe(true);
  });

  it('DNS_ROUND_ROBIN → LOGICAL_DNS with exactly one endpoint', () => {
    const c = clusterJson(byName(clusters, 'outbound|80||api.example.com'));
    expect(c.type).toBe('LOGICAL_DNS');
    const eps = (c.load_assignment as { endpoints: Array<{ lb_endpoints: unknown[] }> }).endpoints;
    expect(eps.flatMap((e) => e.lb_endpoints)).toHaveLength(1);
  });

  it('a workload without PeerAuthentication DISABLE keeps auto-mTLS; mesh-wide DISABLE drops it', () => {
    const disabled = world(
      `${MESH}\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: istio-system }\nspec: { mtls: { mode: DISABLE } }`,
      PRODUCTPAGE,
    );
    const c = clusterJson(
      byName(buildClusters(disabled.proxy, disabled.push), `outbound|9080||${REVIEWS}`),
    );
    expect(c.transport_socket_matches).toBeUndefined();
    expect(c.transport_socket).toBeUndefined();
  });

  it('auto-mTLS off in mesh config → plaintext', () => {
    const off = world(MESH, PRODUCTPAGE, {}, { enableAutoMtls: false });
    const c = clusterJson(byName(buildClusters(off.proxy, off.push), `outbound|9080||${REVIEWS}`));
    expect(c.transport_socket_matches).toBeUndefined();
  });
});
