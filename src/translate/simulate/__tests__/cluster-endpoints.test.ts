// Where the simulator reads a cluster's endpoints from: EDS first, the inline assignment else.
import { create } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { socketAddress } from '../../common/socket-address.js';
import type { ProxyResources } from '../../types.js';
import { clusterEndpointAddresses } from '../cluster-endpoints.js';

const assignment = (clusterName: string, addresses: [string, number][]) =>
  create(ClusterLoadAssignmentSchema, {
    clusterName,
    endpoints: [
      {
        lbEndpoints: addresses.map(([ip, port]) => ({
          hostIdentifier: {
            case: 'endpoint' as const,
            value: { address: socketAddress(ip, port) },
          },
        })),
      },
    ],
  });

const EDS = 'outbound|9080|v2|reviews.default.svc.cluster.local';
const STATIC = 'inbound|9080||';

const resources: ProxyResources = {
  listeners: [],
  routes: [],
  clusters: [
    create(ClusterSchema, { name: EDS }),
    create(ClusterSchema, {
      name: STATIC,
      loadAssignment: assignment(STATIC, [['127.0.0.1', 9080]]),
    }),
  ],
  endpoints: [
    assignment(EDS, [
      ['10.244.1.7', 9080],
      ['10.244.2.9', 9080],
    ]),
  ],
  secrets: [],
};

describe('clusterEndpointAddresses', () => {
  it('lists the EDS load assignment of the cluster in order', () => {
    expect(clusterEndpointAddresses(resources, EDS)).toEqual([
      '10.244.1.7:9080',
      '10.244.2.9:9080',
    ]);
  });

  it("falls back to the cluster's inline load_assignment", () => {
    expect(clusterEndpointAddresses(resources, STATIC)).toEqual(['127.0.0.1:9080']);
  });

  it('is empty for a cluster with no endpoints anywhere', () => {
    expect(
      clusterEndpointAddresses(resources, 'outbound|9080||ratings.default.svc.cluster.local'),
    ).toEqual([]);
  });
});
