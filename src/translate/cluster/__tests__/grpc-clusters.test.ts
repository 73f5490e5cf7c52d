// Clusters for proxyless gRPC clients: EDS only, no Envoy-only fields.
import { buildClusters } from '../build-clusters.js';
import { clusterJson, getPath, world } from './helpers.js';
import { PRODUCTPAGE, REVIEWS, withConfig } from './fixtures.js';

const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
  trafficPolicy: { loadBalancer: { simple: LEAST_REQUEST } }
  subsets:
  - { name: v1, labels: { version: v1 } }
  - name: v2
    labels: { version: v2 }
    trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: x-user } }, tls: { mode: ISTIO_MUTUAL } }`;

describe('proxyless gRPC clusters', () => {
  const { push, proxy } = world(withConfig(DR), PRODUCTPAGE, { GENERATOR: 'grpc' });

  it('builds only the requested clusters, as plain EDS with the default (ROUND_ROBIN) policy', () => {
    const cs = buildClusters(proxy, push, {
      names: [`outbound|9080||${REVIEWS}`, `outbound|9080|v1|${REVIEWS}`],
    });
    expect(cs.map((c) => c.name)).toEqual([
      `outbound|9080||${REVIEWS}`,
      `outbound|9080|v1|${REVIEWS}`,
    ]);
    for (const c of cs) {
      const json = clusterJson(c);
      expect(json).toEqual({
        name: c.name,
        type: 'EDS',
        eds_cluster_config: { eds_config: { ads: {} }, service_name: c.name },
      });
    }
  });

  it('RING_HASH from consistentHash and explicit ISTIO_MUTUAL with certificate providers', () => {
    const [v2] = buildClusters(proxy, push, { names: [`outbound|9080|v2|${REVIEWS}`] });
    const json = clusterJson(v2);
    expect(json.lb_policy).toBe('RING_HASH');
    expect(json.transport_socket_matches).toBeUndefined();
    expect(getPath(json, 'transport_socket.name')).toBe('envoy.transport_sockets.tls');
    expect(getPath(json, 'transport_socket.typed_config.common_tls_context')).toEqual({
      tls_certificate_provider_instance: { instance_name: 'default', certificate_name: 'default' },
      combined_validation_context: {
        default_validation_context: {
          ca_certificate_provider_instance: {
            instance_name: 'default',
            certificate_name: 'ROOTCA',
          },
          match_subject_alt_names: [
            { exact: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews' },
          ],
        },
      },
    });
  });

  it('an unknown service still gets its bare default cluster; malformed names are ignored', () => {
    const cs = buildClusters(proxy, push, {
      names: ['outbound|80||nowhere.example', 'not-a-cluster'],
    });
    expect(cs.map((c) => c.name)).toEqual(['outbound|80||nowhere.example']);
  });

  it('without names it offers every visible service, never LEAST_REQUEST', () => {
    const cs = buildClusters(proxy, push);
    expect(cs.map((c) => c.name)).toContain(`outbound|9080|v2|${REVIEWS}`);
    expect(cs.some((c) => clusterJson(c).lb_policy === 'LEAST_REQUEST')).toBe(false);
    expect(cs.some((c) => c.name === 'BlackHoleCluster')).toBe(false);
  });
});
