// The gRPC bootstrap is checked by using it: grpc-js-xds reads it (it is strict about locality,
// channel creds and certificate providers) and opens an ADS stream to a tiny in-test responder,
// which must receive the node id and metadata the bootstrap names.
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { create, toBinary } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import {
  DiscoveryResponseSchema,
  type DiscoveryRequest,
} from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouterSchema } from '../../gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { HttpConnectionManagerSchema } from '../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { ADS_SERVICE_DEFINITION } from '../../xds/ads-server.js';
import { LISTENER_TYPE } from '../../xds/type-urls.js';
import { resolveIdentity } from '../bootstrap-options.js';
import { buildGrpcBootstrap, SERVER_LISTENER_NAME_TEMPLATE } from '../grpc-bootstrap.js';

const NODE = 'sidecar~127.0.0.31~productpage-v1-0.default~default.svc.cluster.local';

function identity(xdsAddress: string, mtls = false) {
  const r = resolveIdentity({ nodeId: NODE, xdsAddress, labels: { app: 'productpage' }, mtls });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/**
 * The requested Listener with an inline, empty route table: a complete answer that needs no
 * further resources, so the client keeps no does-not-exist timer (15 s) running after the test.
 */
function emptyListener(name: string) {
  const router = create(RouterSchema);
  const hcm = create(HttpConnectionManagerSchema, {
    routeSpecifier: { case: 'routeConfig', value: { name: 'none' } },
    httpFilters: [
      {
        name: 'envoy.filters.http.router',
        configType: { case: 'typedConfig', value: anyPack(RouterSchema, router) },
      },
    ],
  });
  return create(ListenerSchema, {
    name,
    apiListener: { apiListener: anyPack(HttpConnectionManagerSchema, hcm) },
  });
}

/** An ADS server that records the first request of each stream and answers it. */
async function startResponder(): Promise<{
  server: grpc.Server;
  port: number;
  firstRequest: Promise<DiscoveryRequest>;
  acked: Promise<void>;
}> {
  const server = new grpc.Server();
  let resolveFirst: (r: DiscoveryRequest) => void = () => undefined;
  const firstRequest = new Promise<DiscoveryRequest>((resolve) => (resolveFirst = resolve));
  let resolveAck: () => void = () => undefined;
  const acked = new Promise<void>((resolve) => (resolveAck = resolve));
  server.addService(ADS_SERVICE_DEFINITION, {
    StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest, Uint8Array>) => {
      call.once('data', (req: DiscoveryRequest) => {
        resolveFirst(req);
        const response = create(DiscoveryResponseSchema, {
          typeUrl: req.typeUrl,
          versionInfo: '1',
          nonce: '1',
          resources: req.resourceNames.map((n) => anyPack(ListenerSchema, emptyListener(n))),
        });
        call.write(toBinary(DiscoveryResponseSchema, response));
      });
      call.on('data', (req: DiscoveryRequest) => {
        if (req.responseNonce === '1') resolveAck();
      });
      call.on('error', () => undefined);
    },
    DeltaAggregatedResources: (call: grpc.ServerDuplexStream<unknown, Uint8Array>) => call.end(),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { server, port, firstRequest, acked };
}

describe('gRPC xDS bootstrap', () => {
  let responder: Awaited<ReturnType<typeof startResponder>> | undefined;
  let client: grpc.Client | undefined;

  afterEach(() => {
    client?.close();
    responder?.server.forceShutdown();
  });

  it('has the shape istio-agent writes', () => {
    const b = buildGrpcBootstrap(identity('10.0.0.5:15010'));
    expect(b.xds_servers).toEqual([
      {
        server_uri: '10.0.0.5:15010',
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ]);
    expect(b.node).toMatchObject({
      id: NODE,
      locality: {},
      metadata: { GENERATOR: 'grpc', NAMESPACE: 'default', LABELS: { app: 'productpage' } },
    });
    expect(b.server_listener_resource_name_template).toBe(SERVER_LISTENER_NAME_TEMPLATE);
    expect(b.certificate_providers).toBeUndefined();
    const mtls = buildGrpcBootstrap(identity('[::1]:15010', true), { certDir: '/certs/' });
    expect(mtls.xds_servers[0].server_uri).toBe('[::1]:15010');
    expect(mtls.certificate_providers?.default).toEqual({
      plugin_name: 'file_watcher',
      config: {
        certificate_file: '/certs/cert-chain.pem',
        private_key_file: '/certs/key.pem',
        ca_certificate_file: '/certs/root-cert.pem',
        refresh_interval: '900s',
      },
    });
  });

  it.each([false, true])(
    'grpc-js-xds uses it (mtls=%s): the ADS server receives the node id and a Listener request',
    async (mtls) => {
      grpcXds.register();
      responder = await startResponder();
      const bootstrap = buildGrpcBootstrap(identity(`127.0.0.1:${responder.port}`, mtls), {
        certDir: '/nonexistent',
      });
      client = new grpc.Client(
        'xds:///productpage.default.svc.cluster.local:9080',
        grpc.credentials.createInsecure(),
        { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) },
      );
      // Resolution starts when the channel is asked to connect.
      client.getChannel().getConnectivityState(true);
      const req = await responder.firstRequest;
      expect(req.node?.id).toBe(NODE);
      expect(req.node?.metadata).toMatchObject({ GENERATOR: 'grpc', NAME: 'productpage-v1-0' });
      expect(req.typeUrl).toBe(LISTENER_TYPE);
      expect(req.resourceNames).toEqual(['productpage.default.svc.cluster.local:9080']);
      // Wait for the client to take the answer, so no resource timer outlives the test.
      await responder.acked;
    },
  );
});
