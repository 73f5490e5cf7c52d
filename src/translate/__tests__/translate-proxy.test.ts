// translateProxy end to end on bookinfo: the resource set each proxy kind gets.
import { rdsNamesOf } from '../listener/inspect.js';
import { GATEWAY, PRODUCTPAGE, testdata, translateBookinfo } from './world.js';

const DR = testdata('bookinfo', 'networking', 'destination-rule-all.yaml');

describe('translateProxy', () => {
  it('gives a sidecar virtualOutbound, virtualInbound, outbound listeners and their RDS', () => {
    const res = translateBookinfo(PRODUCTPAGE, DR);
    expect(res.listeners.map((l) => l.name)).toEqual([
      '0.0.0.0_9080',
      'virtualInbound',
      'virtualOutbound',
    ]);
    expect(res.routes.map((r) => r.name)).toEqual(['9080']);
    expect(res.clusters.map((c) => c.name)).toContain(
      'outbound|9080|v1|reviews.default.svc.cluster.local',
    );
    expect(res.clusters.map((c) => c.name)).toContain('inbound|9080||');
    expect(res.secrets).toEqual([]);
  });

  it('builds exactly the route configurations the listeners reference', () => {
    const res = translateBookinfo(
      GATEWAY,
      testdata('bookinfo', 'networking', 'bookinfo-gateway.yaml'),
    );
    const referenced = [...new Set(res.listeners.flatMap(rdsNamesOf))].sort();
    expect(res.routes.map((r) => r.name)).toEqual(referenced);
    expect(referenced).toEqual(['http.8080']);
  });

  it('sorts every list by name and is deterministic', () => {
    const a = translateBookinfo(PRODUCTPAGE, DR);
    const b = translateBookinfo(PRODUCTPAGE, DR);
    const names = a.clusters.map((c) => c.name);
    expect(names).toEqual([...names].sort());
    const claNames = a.endpoints.map((e) => e.clusterName);
    expect(claNames).toEqual([...claNames].sort());
    expect(a).toEqual(b);
  });

  it('sends a ClusterLoadAssignment for exactly the EDS clusters', () => {
    const res = translateBookinfo(PRODUCTPAGE, DR);
    const eds = res.clusters
      .filter((c) => c.edsClusterConfig !== undefined)
      .map((c) => c.edsClusterConfig?.serviceName || c.name);
    expect(res.endpoints.map((e) => e.clusterName)).toEqual([...eds].sort());
  });
});
