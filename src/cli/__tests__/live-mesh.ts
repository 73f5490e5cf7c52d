// A live mesh for the operator-tool tests: the real DiscoveryServer (FileSource over a temp dir
// with bookinfo plus a `greeter` gRPC service), the debug HTTP server on an ephemeral port, real
// @grpc/grpc-js-xds clients (proxyless, each with its own bootstrap through the test-only
// channel option), greeter backends v1/v2/v3 on loopback addresses, and a fake Envoy sidecar
// (productpage) that ACKs everything it is sent.
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebugServer } from '../../debug/http-server.js';
import type { ProxySync } from '../../debug/sync-status.js';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { DiscoveryServer } from '../../server/discovery-server.js';
import { FileSource } from '../../sources/file/file-source.js';
import { rdsNamesOf } from '../../translate/listener/inspect.js';
import { FakeSotwClient } from '../../xds/__tests__/fake-ads-client.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/type-urls.js';

export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
);
export const METHOD = '/test.Echo/Who';
export const CLIENT = 'client-0.default';
export const REJECTER = 'reviews-v1-0.default';
export const NACK_TEXT =
  'Error adding/updating listener(s) 0.0.0.0_9080: unknown filter envoy.filters.http.example';
export const PRODUCTPAGE = 'productpage-v1-0.default';
const PRODUCTPAGE_NODE = 'sidecar~10.244.1.41~productpage-v1-0.default~default.svc.cluster.local';
const identity = (b: Buffer): Buffer => b;

/** greeter: jason → v2, everyone else v1 90 / v3 10. */
function greeterConfig(port: number): string {
  const pod = (v: string, ip: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: greeter-${v}-0, namespace: default, labels: {app: greeter, version: ${v}}}
spec: {serviceAccountName: greeter}
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: 'True'}]}
`;
  return `apiVersion: v1
kind: Service
metadata: {name: greeter, namespace: default}
spec:
  clusterIP: 10.96.30.10
  selector: {app: greeter}
  ports: [{name: grpc, port: 3000, targetPort: ${port}}]
${pod('v1', '127.0.0.2')}${pod('v2', '127.0.0.3')}${pod('v3', '127.0.0.4')}---
apiVersion: v1
kind: Endpoints
metadata: {name: greeter, namespace: default}
subsets:
- addresses:
  - {ip: 127.0.0.2, targetRef: {kind: Pod, name: greeter-v1-0, namespace: default}}
  - {ip: 127.0.0.3, targetRef: {kind: Pod, name: greeter-v2-0, namespace: default}}
  - {ip: 127.0.0.4, targetRef: {kind: Pod, name: greeter-v3-0, namespace: default}}
  ports: [{name: grpc, port: ${port}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: greeter, namespace: default}
spec:
  host: greeter
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: v3, labels: {version: v3}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter, namespace: default}
spec:
  hosts: [greeter]
  http:
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: greeter, subset: v2}}]
  - route:
    - {destination: {host: greeter, subset: v1}, weight: 90}
    - {destination: {host: greeter, subset: v3}, weight: 10}
`;
}

async function backend(id: string, host: string, port: number): Promise<grpc.Server> {
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
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return server;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** v1/v2/v3 on 127.0.0.2/3/4, one port number for all (the Service has one targetPort). */
async function backends(): Promise<{ servers: grpc.Server[]; port: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort('127.0.0.2');
    const servers: grpc.Server[] = [];
    try {
      for (const [v, ip] of [
        ['v1', '127.0.0.2'],
        ['v2', '127.0.0.3'],
        ['v3', '127.0.0.4'],
      ]) {
        servers.push(await backend(v, ip, port));
      }
      return { servers, port };
    } catch {
      // The port was taken on one of the addresses meanwhile: try another.
      for (const s of servers) s.forceShutdown();
    }
  }
  throw new Error('could not bind greeter backends on 127.0.0.2-4');
}

export function who(client: grpc.Client, headers: Record<string, string> = {}): Promise<string> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(headers)) md.set(k, v);
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      METHOD,
      identity,
      identity,
      Buffer.alloc(0),
      md,
      { deadline: Date.now() + 5000 },
      (err, res) =>
        err || !res ? reject(err ?? new Error('no response')) : resolve(res.toString()),
    ),
  );
}

export interface LiveMesh {
  debugUrl: string;
  /** The FileSource's directory: write files here to change config live. */
  configDir: string;
  discovery: DiscoveryServer;
  greeter: grpc.Client;
  rejecter: FakeSotwClient;
  sidecar: FakeSotwClient;
  waitFor: (what: string, check: (list: ProxySync[]) => boolean) => Promise<ProxySync[]>;
  stop: () => Promise<void>;
}

function grpcClient(xdsAddress: string, pod: string, target: string): grpc.Client {
  const bootstrap = {
    xds_servers: [
      {
        server_uri: xdsAddress,
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    node: {
      id: `sidecar~10.244.5.10~${pod}~default.svc.cluster.local`,
      metadata: { GENERATOR: 'grpc', ISTIO_VERSION: '1.24.0', LABELS: { app: 'client' } },
      locality: {},
    },
  };
  return new grpc.Client(`xds:///${target}`, grpc.credentials.createInsecure(), {
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap),
  });
}

/** Drives the fake productpage sidecar: subscribe CDS+LDS, then the EDS/RDS they name; ACK all. */
async function runSidecar(address: string): Promise<FakeSotwClient> {
  const c = new FakeSotwClient(address, PRODUCTPAGE_NODE);
  c.subscribe(CLUSTER_TYPE);
  const cds = await c.nextMessage(CLUSTER_TYPE, 5000);
  c.ack(cds);
  const edsNames = cds.resources
    .map((a) => anyUnpack(a, ClusterSchema))
    .flatMap((c) => (c?.edsClusterConfig ? [c.name] : []));
  c.subscribe(LISTENER_TYPE);
  const lds = await c.nextMessage(LISTENER_TYPE, 5000);
  c.ack(lds);
  const rdsNames = [
    ...new Set(
      lds.resources
        .map((a) => anyUnpack(a, ListenerSchema))
        .flatMap((l) => (l ? rdsNamesOf(l) : [])),
    ),
  ].sort();
  c.subscribe(ENDPOINT_TYPE, edsNames);
  c.ack(await c.nextMessage(ENDPOINT_TYPE, 5000), edsNames);
  c.subscribe(ROUTE_TYPE, rdsNames);
  c.ack(await c.nextMessage(ROUTE_TYPE, 5000), rdsNames);
  return c;
}

/** A sidecar (reviews-v1) that ACKs CDS and NACKs LDS the way Envoy reports a bad listener. */
async function runRejecter(address: string): Promise<FakeSotwClient> {
  const c = new FakeSotwClient(
    address,
    'sidecar~10.244.2.11~reviews-v1-0.default~default.svc.cluster.local',
  );
  c.subscribe(CLUSTER_TYPE);
  c.ack(await c.nextMessage(CLUSTER_TYPE, 5000));
  c.subscribe(LISTENER_TYPE);
  c.nack(await c.nextMessage(LISTENER_TYPE, 5000), '', NACK_TEXT);
  return c;
}

export async function startLiveMesh(): Promise<LiveMesh> {
  grpcXds.register();
  const dir = mkdtempSync(path.join(tmpdir(), 'live-mesh-'));
  copyFileSync(
    path.join(repoRoot, 'testdata', 'in', '_worlds', 'bookinfo.yaml'),
    path.join(dir, 'world.yaml'),
  );
  const networking = path.join(repoRoot, 'testdata', 'bookinfo', 'networking');
  copyFileSync(
    path.join(networking, 'destination-rule-all.yaml'),
    path.join(dir, 'destination-rule-all.yaml'),
  );
  copyFileSync(
    path.join(networking, 'virtual-service-reviews-test-v2.yaml'),
    path.join(dir, 'virtual-service-reviews-test-v2.yaml'),
  );
  const { servers, port } = await backends();
  writeFileSync(path.join(dir, 'greeter.yaml'), greeterConfig(port));

  const discovery = new DiscoveryServer({
    sources: [new FileSource([dir], { rescanIntervalMs: 0 })],
    debounceMs: 20,
    debounceMaxMs: 200,
  });
  const debug = new DebugServer(discovery, {
    host: '127.0.0.1',
    port: 0,
    isReady: () => discovery.ready,
  });
  const debugPort = await debug.listen();
  await discovery.start();
  const xdsPort = await discovery.ads.listen('127.0.0.1', 0);
  const xds = `127.0.0.1:${xdsPort}`;
  const debugUrl = `http://127.0.0.1:${debugPort}`;

  const greeter = grpcClient(xds, CLIENT, 'greeter.default.svc.cluster.local:3000');
  const sidecar = await runSidecar(xds);
  const rejecter = await runRejecter(xds);

  const waitFor = async (what: string, check: (list: ProxySync[]) => boolean) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const list = (await (await fetch(`${debugUrl}/debug/syncz`)).json()) as ProxySync[];
      if (check(list)) return list;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(list)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    debugUrl,
    configDir: dir,
    discovery,
    greeter,
    rejecter,
    sidecar,
    waitFor,
    stop: async () => {
      greeter.close();
      rejecter.close();
      sidecar.close();
      for (const s of servers) s.forceShutdown();
      await Promise.all([discovery.stop(), debug.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
