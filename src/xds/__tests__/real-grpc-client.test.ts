// The server driving a real xDS client: @grpc/grpc-js-xds resolves `xds:///echo.test:1234`
// through LDS → RDS → CDS → EDS from our ADS server, calls real backends, ACKs every response,
// and follows a route change. Generic xDS only: no Istio naming here.
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import {
  ClusterSchema,
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ApiVersion } from '../../gen/envoy/config/core/v3/config_source_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { RouterSchema } from '../../gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { HttpConnectionManagerSchema } from '../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { encodeResource } from '../resource.js';
import { buildSnapshot } from '../snapshot-cache.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../type-urls.js';
import { startHarness, type Harness } from './harness.js';

const NODE = 'sidecar~127.0.0.1~echo-client.default~default.svc.cluster.local';
const TARGET = 'echo.test:1234';
const METHOD = '/test.Echo/Who';
const ads = {
  configSourceSpecifier: { case: 'ads' as const, value: {} },
  resourceApiVersion: ApiVersion.V3,
};
const identity = (b: Buffer): Buffer => b;

function resources(routeTo: string, ports: Record<string, number>) {
  const hcm = create(HttpConnectionManagerSchema, {
    routeSpecifier: { case: 'rds', value: { configSource: ads, routeConfigName: 'echo-route' } },
    httpFilters: [
      {
        name: 'envoy.filters.http.router',
        configType: { case: 'typedConfig', value: anyPack(RouterSchema, create(RouterSchema)) },
      },
    ],
  });
  const lis = create(ListenerSchema, {
    name: TARGET,
    apiListener: { apiListener: anyPack(HttpConnectionManagerSchema, hcm) },
  });
  const route = create(RouteConfigurationSchema, {
    name: 'echo-route',
    virtualHosts: [
      {
        name: 'echo',
        domains: ['*'],
        routes: [
          {
            match: { pathSpecifier: { case: 'prefix', value: '' } },
            action: {
              case: 'route',
              value: { clusterSpecifier: { case: 'cluster', value: routeTo } },
            },
          },
        ],
      },
    ],
  });
  const out = [
    encodeResource(ListenerSchema, lis, TARGET),
    encodeResource(RouteConfigurationSchema, route, 'echo-route'),
  ];
  for (const [name, port] of Object.entries(ports)) {
    const cluster = create(ClusterSchema, {
      name,
      clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
      lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
      edsClusterConfig: { edsConfig: ads, serviceName: name },
    });
    const cla = create(ClusterLoadAssignmentSchema, {
      clusterName: name,
      endpoints: [
        {
          locality: { region: 'r', zone: 'z' },
          loadBalancingWeight: 1,
          lbEndpoints: [
            {
              hostIdentifier: {
                case: 'endpoint',
                value: {
                  address: {
                    address: {
                      case: 'socketAddress',
                      value: {
                        address: '127.0.0.1',
                        portSpecifier: { case: 'portValue', value: port },
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      ],
    });
    out.push(encodeResource(ClusterSchema, cluster, name));
    out.push(encodeResource(ClusterLoadAssignmentSchema, cla, name));
  }
  return buildSnapshot(out);
}

async function backend(id: string): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(
    {
      Who: {
        path: METHOD,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    {
      Who: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
        cb(null, Buffer.from(id)),
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { server, port };
}

function who(client: grpc.Client): Promise<string> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(METHOD, identity, identity, Buffer.alloc(0), (err, res) =>
      err || !res ? reject(err ?? new Error('no response')) : resolve(res.toString()),
    ),
  );
}

describe('a real xDS client (@grpc/grpc-js-xds) against the ADS server', () => {
  let h: Harness;
  const backends: grpc.Server[] = [];
  let client: grpc.Client | undefined;

  afterAll(async () => {
    client?.close();
    for (const b of backends) b.forceShutdown();
    await h?.stop();
  });

  it('resolves LDS → RDS → CDS → EDS, ACKs everything and follows a route change', async () => {
    grpcXds.register();
    const a = await backend('a');
    const b = await backend('b');
    backends.push(a.server, b.server);
    h = await startHarness();
    const ports = { a: a.port, b: b.port };
    h.cache.setSnapshot(NODE, resources('a', ports));

    const bootstrap = {
      xds_servers: [
        {
          server_uri: h.address,
          channel_creds: [{ type: 'insecure' }],
          server_features: ['xds_v3'],
        },
      ],
      node: { id: NODE, locality: {} },
    };
    client = new grpc.Client(`xds:///${TARGET}`, grpc.credentials.createInsecure(), {
      'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap),
    });
    expect(await who(client)).toBe('a');

    const pushed = Date.now();
    h.cache.setSnapshot(NODE, resources('b', ports));
    let answer = 'a';
    while (answer !== 'b' && Date.now() - pushed < 5000) {
      answer = await who(client);
    }
    expect(answer).toBe('b');

    const [conn] = h.server.status.byNode(NODE);
    for (const t of [LISTENER_TYPE, ROUTE_TYPE, CLUSTER_TYPE, ENDPOINT_TYPE]) {
      const st = conn.types.get(t);
      expect(st?.lastAck).toBeDefined();
      expect(st?.lastNack).toBeUndefined();
    }
    expect(conn.types.get(LISTENER_TYPE)?.names).toEqual([TARGET]);
    expect(h.server.status.counters.nacks).toBe(0);
  });
});
