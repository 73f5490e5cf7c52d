// EDS ClusterLoadAssignments: subsets, localities, mTLS metadata and proxyless gRPC specifics.
import type { JsonObject } from '@bufbuild/protobuf';

import { Cluster_DiscoveryType } from '../../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { buildClusters } from '../../cluster/build-clusters.js';
import { claJson, endpointAddresses, world } from '../../cluster/__tests__/helpers.js';
import { MESH, PRODUCTPAGE, REVIEWS, withConfig } from '../../cluster/__tests__/fixtures.js';
import { buildEndpoints, clusterLoadAssignment } from '../build-endpoints.js';

const SUBSETS = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
  subsets:
  - { name: v1, labels: { version: v1 } }
  - { name: v2, labels: { version: v2 } }`;

describe('EDS ClusterLoadAssignments', () => {
  const { push, proxy } = world(withConfig(SUBSETS), PRODUCTPAGE);
  const all = buildEndpoints(proxy, push);
  const cla = (name: string) => {
    const found = all.find((c) => c.clusterName === name);
    if (found === undefined) throw new Error(`no assignment ${name}`);
    return found;
  };

  it('covers exactly the EDS clusters the proxy gets', () => {
    const eds = buildClusters(proxy, push)
      .filter(
        (c) =>
          c.clusterDiscoveryType.case === 'type' &&
          c.clusterDiscoveryType.value === Cluster_DiscoveryType.EDS,
      )
      .map((c) => c.name)
      .sort();
    expect(all.map((c) => c.clusterName).sort()).toEqual(eds);
    expect(all.map((c) => c.clusterName)).not.toContain('outbound|443||httpbin.org');
    expect(all.map((c) => c.clusterName)).not.toContain(
      'outbound|5432||db.default.svc.cluster.local',
    );
  });

  it('drops not-ready endpoints and narrows subsets by labels', () => {
    expect(endpointAddresses(cla(`outbound|9080||${REVIEWS}`)).sort()).toEqual([
      '10.244.0.11:9080',
      '10.244.0.12:9080',
    ]);
    expect(endpointAddresses(cla(`outbound|9080|v1|${REVIEWS}`))).toEqual(['10.244.0.11:9080']);
    expect(endpointAddresses(cla(`outbound|9080|v2|${REVIEWS}`))).toEqual(['10.244.0.12:9080']);
  });

  it('writes the full Istio endpoint shape, with weights always set', () => {
    expect(claJson(cla(`outbound|9080|v1|${REVIEWS}`))).toEqual({
      cluster_name: `outbound|9080|v1|${REVIEWS}`,
      endpoints: [
        {
          locality: {},
          lb_endpoints: [
            {
              endpoint: {
                address: { socket_address: { address: '10.244.0.11', port_value: 9080 } },
              },
              health_status: 'HEALTHY',
              metadata: {
                filter_metadata: {
                  'envoy.transport_socket_match': { tlsMode: 'istio' },
                  istio: { workload: 'reviews-v1-0;default;reviews;v1;Kubernetes' },
                },
              },
              load_balancing_weight: 1,
            },
          ],
          load_balancing_weight: 1,
        },
      ],
    });
  });

  it('uses the target port and marks no tlsMode for endpoints without a sidecar', () => {
    const grpc = claJson(cla('outbound|7070||grpc-echo.default.svc.cluster.local'));
    const lb = ((grpc.endpoints as JsonObject[])[0].lb_endpoints as JsonObject[])[0];
    expect(lb.endpoint).toEqual({
      address: { socket_address: { address: '10.244.0.21', port_value: 17070 } },
    });
    expect(lb.metadata).toEqual({
      filter_metadata: { istio: { workload: 'grpc-echo-0;default;grpc-echo;latest;Kubernetes' } },
    });
  });

  it('groups by locality, sorted, with summed locality weights', () => {
    const billing = claJson(cla('outbound|8080||billing.internal'));
    const groups = billing.endpoints as JsonObject[];
    expect(groups.map((g) => [g.locality, g.load_balancing_weight])).toEqual([
      [{ region: 'eu-west', zone: 'zone-b' }, 1],
      [{ region: 'us-east', zone: 'zone-a' }, 5],
    ]);
    expect((groups[1].lb_endpoints as JsonObject[]).map((e) => e.load_balancing_weight)).toEqual([
      3, 2,
    ]);
  });

  it('keeps unhealthy endpoints as UNHEALTHY only when asked', () => {
    const c = clusterLoadAssignment(proxy, push, `outbound|9080||${REVIEWS}`, {
      sendUnhealthy: true,
    });
    const statuses = claJson(c).endpoints as JsonObject[];
    const lbs = (statuses[0].lb_endpoints as JsonObject[]).map((e) => e.health_status);
    expect(lbs).toEqual(['HEALTHY', 'HEALTHY', 'UNHEALTHY']);
  });

  it('answers requested names, empty for unknown subsets or services', () => {
    const out = buildEndpoints(proxy, push, {
      names: [`outbound|9080|v9|${REVIEWS}`, 'outbound|1||nowhere.example', 'garbage'],
    });
    expect(out.map((c) => [c.clusterName, c.endpoints.length])).toEqual([
      [`outbound|9080|v9|${REVIEWS}`, 0],
      ['outbound|1||nowhere.example', 0],
      ['garbage', 0],
    ]);
  });
});

describe('EDS and workload PeerAuthentication', () => {
  it('a workload with mTLS DISABLE loses the tlsMode marker, so clients use plaintext', () => {
    const { push, proxy } = world(
      withConfig(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: reviews-v1, namespace: default }
spec:
  selector: { matchLabels: { version: v1, app: reviews } }
  mtls: { mode: DISABLE }`),
      PRODUCTPAGE,
    );
    const c = claJson(clusterLoadAssignment(proxy, push, `outbound|9080||${REVIEWS}`));
    const lbs = (c.endpoints as JsonObject[])[0].lb_endpoints as JsonObject[];
    const marked = lbs.map((e) => [
      (e.endpoint as JsonObject).address,
      ((e.metadata as JsonObject).filter_metadata as JsonObject)['envoy.transport_socket_match'],
    ]);
    expect(marked).toEqual([
      [{ socket_address: { address: '10.244.0.11', port_value: 9080 } }, undefined],
      [{ socket_address: { address: '10.244.0.12', port_value: 9080 } }, { tlsMode: 'istio' }],
    ]);
  });
});

describe('EDS for proxyless gRPC', () => {
  it('leaves out endpoints that are not IP literals', () => {
    const { push, proxy } = world(MESH, PRODUCTPAGE, { GENERATOR: 'grpc' });
    const c = clusterLoadAssignment(proxy, push, 'outbound|80||api.example.com');
    expect(c.endpoints).toEqual([]);
    const ok = clusterLoadAssignment(proxy, push, `outbound|9080||${REVIEWS}`);
    expect(ok.endpoints.every((l) => l.loadBalancingWeight !== undefined)).toBe(true);
    expect(endpointAddresses(ok)).toHaveLength(2);
  });
});
