import { create, toBinary } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import {
  Cluster_DiscoveryType,
  ClusterSchema,
} from '../../../src/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema } from '../../../src/gen/envoy/config/listener/v3/listener_pb.js';
import { HttpConnectionManagerSchema } from '../../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import {
  DeltaDiscoveryResponseSchema,
  DiscoveryResponseSchema,
} from '../../../src/gen/envoy/service/discovery/v3/discovery_pb.js';
import { ProxyState, TYPE } from '../proxy-state.js';
import { readCluster, readDeltaResponse, readListener, readSotwResponse } from '../xds-messages.js';

const edsCluster = create(ClusterSchema, {
  name: 'outbound|9080|v2|reviews.default.svc.cluster.local',
  clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
  edsClusterConfig: { serviceName: 'outbound|9080|v2|reviews.default.svc.cluster.local' },
});
const staticCluster = create(ClusterSchema, {
  name: 'BlackHoleCluster',
  clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.STATIC },
});
const hcm = create(HttpConnectionManagerSchema, {
  statPrefix: 'outbound_0.0.0.0_9080',
  routeSpecifier: { case: 'rds', value: { routeConfigName: '9080' } },
});
const listener = create(ListenerSchema, {
  name: '0.0.0.0_9080',
  filterChains: [
    {
      filters: [
        {
          name: 'envoy.filters.network.http_connection_manager',
          configType: { case: 'typedConfig', value: anyPack(HttpConnectionManagerSchema, hcm) },
        },
      ],
    },
  ],
});

describe('load-client wire reading', () => {
  it('reads cluster names and EDS service names', () => {
    expect(readCluster(toBinary(ClusterSchema, edsCluster))).toEqual({
      name: edsCluster.name,
      edsName: edsCluster.name,
    });
    expect(readCluster(toBinary(ClusterSchema, staticCluster))).toEqual({
      name: 'BlackHoleCluster',
      edsName: undefined,
    });
  });

  it('finds RDS names inside HTTP connection managers', () => {
    const l = readListener(toBinary(ListenerSchema, listener));
    expect(l.name).toBe('0.0.0.0_9080');
    expect([...l.routeNames]).toEqual(['9080']);
  });

  it('decodes SotW and Delta envelopes and derives the EDS/RDS subscriptions', () => {
    const sotw = toBinary(
      DiscoveryResponseSchema,
      create(DiscoveryResponseSchema, {
        versionInfo: 'v1',
        nonce: 'n1',
        typeUrl: TYPE.cluster,
        resources: [anyPack(ClusterSchema, edsCluster), anyPack(ClusterSchema, staticCluster)],
      }),
    );
    const r = readSotwResponse(sotw);
    expect([r.versionInfo, r.nonce, r.typeUrl, r.resources.length]).toEqual([
      'v1',
      'n1',
      TYPE.cluster,
      2,
    ]);
    const state = new ProxyState();
    const changes = state.applySotw(r);
    expect(changes.get(TYPE.endpoint)?.added).toEqual([edsCluster.name]);
    expect(state.complete).toBe(false);

    const delta = toBinary(
      DeltaDiscoveryResponseSchema,
      create(DeltaDiscoveryResponseSchema, {
        systemVersionInfo: 's1',
        nonce: 'n2',
        typeUrl: TYPE.listener,
        resources: [
          { name: listener.name, version: 'x', resource: anyPack(ListenerSchema, listener) },
        ],
        removedResources: ['old'],
      }),
    );
    const d = readDeltaResponse(delta);
    expect(d.removed).toEqual(['old']);
    expect(d.resources[0].name).toBe('0.0.0.0_9080');
    expect(state.applyDelta(d).get(TYPE.route)?.added).toEqual(['9080']);
  });
});
