// SotW EDS pushes carry only the changed load assignments (EDS is not full-state, as in istiod's
// incremental EDS); requests get the whole view, and CDS/RDS pushes stay complete.
import { createRegistry } from '@bufbuild/protobuf';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import type { DiscoveryResponse } from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { buildSnapshot } from '../snapshot-cache.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, ROUTE_TYPE } from '../type-urls.js';
import { startHarness, type Harness } from './harness.js';
import { cluster, endpoints, routeConfig } from './fixtures.js';

const NODE = 'sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local';
const registry = createRegistry(
  ClusterSchema,
  ClusterLoadAssignmentSchema,
  RouteConfigurationSchema,
);

function names(r: DiscoveryResponse): string[] {
  return r.resources.map((any) => {
    const msg = anyUnpack(any, registry) as { clusterName?: string; name?: string } | undefined;
    return String(any.typeUrl === ENDPOINT_TYPE ? msg?.clusterName : msg?.name);
  });
}

describe('SotW partial EDS responses', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('sends only the changed load assignment on an endpoint push, with the full-view version', async () => {
    h = await startHarness();
    const base = [cluster('c1'), cluster('c2'), cluster('c3')];
    h.cache.setSnapshot(
      NODE,
      buildSnapshot([...base, endpoints('c1'), endpoints('c2'), endpoints('c3')]),
    );
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    c.ack(await c.nextMessage(CLUSTER_TYPE));
    c.subscribe(ENDPOINT_TYPE, ['c1', 'c2', 'c3']);
    const first = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(first)).toEqual(['c1', 'c2', 'c3']);
    c.ack(first, ['c1', 'c2', 'c3']);

    h.cache.setSnapshot(
      NODE,
      buildSnapshot([...base, endpoints('c1'), endpoints('c2', 9999), endpoints('c3')]),
    );
    const partial = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(partial)).toEqual(['c2']);
    expect(partial.versionInfo).not.toBe(first.versionInfo);
    // CDS did not change, so nothing else is sent.
    expect(await c.none(CLUSTER_TYPE, 150)).toBe(true);
  });

  it('sends the whole EDS view again when the client re-requests (no nonce)', async () => {
    h = await startHarness();
    const cds = [cluster('c1'), cluster('c2')];
    h.cache.setSnapshot(NODE, buildSnapshot([...cds, endpoints('c1'), endpoints('c2')]));
    const c = h.sotw(NODE);
    c.subscribe(ENDPOINT_TYPE, ['c1', 'c2']);
    const first = await c.nextMessage(ENDPOINT_TYPE);
    c.ack(first, ['c1', 'c2']);
    h.cache.setSnapshot(NODE, buildSnapshot([...cds, endpoints('c1', 7), endpoints('c2')]));
    const partial = await c.nextMessage(ENDPOINT_TYPE);
    expect(names(partial)).toEqual(['c1']);
    c.ack(partial, ['c1', 'c2']);
    c.subscribe(ENDPOINT_TYPE, ['c1', 'c2']);
    expect(names(await c.nextMessage(ENDPOINT_TYPE))).toEqual(['c1', 'c2']);
  });

  it('keeps RDS pushes complete', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, buildSnapshot([routeConfig('80', 'c1'), routeConfig('9080', 'c1')]));
    const c = h.sotw(NODE);
    c.subscribe(ROUTE_TYPE, ['80', '9080']);
    c.ack(await c.nextMessage(ROUTE_TYPE), ['80', '9080']);
    h.cache.setSnapshot(NODE, buildSnapshot([routeConfig('80', 'c2'), routeConfig('9080', 'c1')]));
    expect(names(await c.nextMessage(ROUTE_TYPE))).toEqual(['80', '9080']);
  });

  it('keeps CDS responses complete (full-state type)', async () => {
    h = await startHarness();
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), cluster('c2')]));
    const c = h.sotw(NODE);
    c.subscribe(CLUSTER_TYPE);
    c.ack(await c.nextMessage(CLUSTER_TYPE));
    h.cache.setSnapshot(NODE, buildSnapshot([cluster('c1'), cluster('c2', 5)]));
    expect(names(await c.nextMessage(CLUSTER_TYPE))).toEqual(['c1', 'c2']);
  });
});
