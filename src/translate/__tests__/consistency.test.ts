// The consistency check finds dangling references between generated resources.
import { create } from '@bufbuild/protobuf';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { checkConsistency } from '../consistency.js';
import type { ProxyResources } from '../types.js';
import { PRODUCTPAGE, testdata, translateBookinfo } from './world.js';

const DR = testdata('bookinfo', 'networking', 'destination-rule-all.yaml');
const kinds = (r: ReturnType<typeof checkConsistency>['errors']) =>
  r.map((f) => `${f.kind} ${f.name}`);

describe('checkConsistency', () => {
  const good = translateBookinfo(
    PRODUCTPAGE,
    DR,
    testdata('bookinfo', 'networking', 'virtual-service-all-v1.yaml'),
  );

  it('finds nothing wrong with a complete translation', () => {
    expect(checkConsistency(good)).toEqual({ errors: [], allowed: [] });
  });

  it('reports a listener RDS name without route configuration', () => {
    const broken: ProxyResources = {
      ...good,
      routes: good.routes.filter((r) => r.name !== '9080'),
    };
    expect(kinds(checkConsistency(broken).errors)).toEqual(['missing-route-config 9080']);
  });

  it('reports EDS clusters without ClusterLoadAssignment', () => {
    const cla = good.endpoints[0];
    const broken = { ...good, endpoints: good.endpoints.slice(1) };
    expect(kinds(checkConsistency(broken).errors)).toEqual([
      `missing-endpoints ${cla.clusterName}`,
    ]);
  });

  it('reports duplicate names per type', () => {
    const dup = {
      ...good,
      routes: [...good.routes, create(RouteConfigurationSchema, { name: '9080' })],
    };
    expect(kinds(checkConsistency(dup).errors)).toEqual(['duplicate-name 9080']);
  });

  it('reports a fixed cluster that is missing, but allows the dangling subset Istio emits on purpose', () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v4}}]}]`;
    const res = translateBookinfo(PRODUCTPAGE, DR, vs);
    const report = checkConsistency(res);
    expect(report.errors).toEqual([]);
    expect(kinds(report.allowed)).toEqual([
      'missing-cluster outbound|9080|v4|reviews.default.svc.cluster.local',
    ]);
    const noPassthrough = {
      ...res,
      clusters: res.clusters.filter((c) => c.name !== 'PassthroughCluster'),
    };
    expect(kinds(checkConsistency(noPassthrough).errors)).toEqual([
      'missing-cluster PassthroughCluster',
      'missing-cluster PassthroughCluster',
    ]);
  });
});
