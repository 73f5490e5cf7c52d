// End to end in Kubernetes mode: config applied to a real kube-apiserver reaches proxyless gRPC
// clients (grpc-js-xds) through the Kubernetes source and mini-istiod's ADS server. The reviews
// pods are real gRPC servers on loopback addresses, published as Pods whose status.podIP is set
// through the status subresource; each routing sample applied or deleted through the API server
// must show up in where the clients' calls land (all v1, jason → v2, 50/50, 100% v3).
import { DiscoveryServer } from '../../src/server/discovery-server.js';
import { createKubernetesSource } from '../../src/sources/kubernetes/index.js';
import { pollUntil } from '../support/mesh-harness.js';
import { startWorkloads, Workload } from '../support/workloads.js';
import { MeshClient, type Tally } from '../support/xds-client.js';
import { KubeTestEnv } from './support/kube-test-env.js';
import { Cluster, bookinfoObjects, readYamlObjects, type Obj } from './support/cluster.js';

const NS = 'default';
const TARGET = `xds:///reviews.${NS}.svc.cluster.local:9080`;
const networking = (file: string): Obj[] =>
  readYamlObjects('testdata', 'bookinfo', 'networking', file);
const JASON = { headers: { 'end-user': 'jason' } };

let env: KubeTestEnv;
let cluster: Cluster;
let discovery: DiscoveryServer;
let client: MeshClient;
const workloads = ['v1', 'v2', 'v3'].map(
  (v, i) => new Workload(`reviews-${v}-0`, v, `127.0.0.${71 + i}`),
);

const versions = (t: Tally): string[] => [...t.byVersion.keys()].sort();
const onlyTo = (version: string) => (t: Tally) =>
  t.failures === 0 && versions(t).join() === version;

beforeAll(async () => {
  env = new KubeTestEnv();
  await env.start();
  cluster = new Cluster(env.kubeConfig());
  const crds = readYamlObjects('manifests', 'crds', 'istio-crds.yaml');
  await cluster.apply(crds);
  await cluster.waitForCrds(crds);

  const port = await startWorkloads(workloads);
  const bookinfo = bookinfoObjects(NS);
  const reviews = bookinfo.services.find((s) => s.metadata?.name === 'reviews') as Obj;
  const spec = reviews.spec as { ports: { port: number; targetPort?: number }[] };
  await cluster.apply([
    ...bookinfo.serviceAccounts,
    { ...reviews, spec: { ...spec, ports: spec.ports.map((p) => ({ ...p, targetPort: port })) } },
  ]);
  for (const w of workloads) {
    const { pod } = bookinfo.pods.find((p) => p.info.name === w.name) ?? {};
    if (!pod) throw new Error(`bookinfo has no ${w.name}`);
    await cluster.apply([pod]);
    await cluster.setPodRunning(NS, w.name, w.ip);
  }
  await cluster.apply(networking('destination-rule-all.yaml'), { namespace: NS });
  await cluster.apply(networking('virtual-service-all-v1.yaml'), { namespace: NS });

  discovery = new DiscoveryServer({
    sources: [createKubernetesSource({ kubeconfig: env.kubeconfigPath })],
    debounceMs: 20,
  });
  await discovery.start();
  const xdsPort = await discovery.ads.listen('127.0.0.1', 0);
  client = new MeshClient(
    `127.0.0.1:${xdsPort}`,
    {
      podName: 'productpage-v1-0',
      namespace: NS,
      ip: '127.0.0.80',
      labels: { app: 'productpage', version: 'v1' },
    },
    TARGET,
  );
}, 240_000);

afterAll(async () => {
  client?.close();
  await discovery?.stop();
  await Promise.all(workloads.map((w) => w.stop()));
  await env?.stop();
});

describe('Kubernetes mode: routing of grpc-js-xds clients follows the API server', () => {
  it('routes everything to v1 from the initial sync', async () => {
    const t = await client.run(60, { concurrency: 10 });
    expect(t.failures).toBe(0);
    expect(versions(t)).toEqual(['v1']);
  });

  it('follows applies and a delete: jason → v2, 50/50, 100% v3, then all versions', async () => {
    await cluster.apply(networking('virtual-service-reviews-jason-v2-v3.yaml'), { namespace: NS });
    await pollUntil(() => client.run(20, JASON), onlyTo('v2'), { what: 'jason → v2' });
    await pollUntil(() => client.run(20), onlyTo('v3'), { what: 'others → v3' });

    await cluster.apply(networking('virtual-service-reviews-50-v3.yaml'), { namespace: NS });
    await pollUntil(
      () => client.run(20),
      (t) => t.failures === 0 && t.byVersion.has('v1'),
      { what: 'v1 back in the split' },
    );
    // Measured once the switch is over: the batch that first saw v1 may straddle it.
    const split = await client.run(400, { concurrency: 20 });
    expect(split.failures).toBe(0);
    expect(versions(split)).toEqual(['v1', 'v3']);
    expect(Math.abs(split.share('v1') - 0.5)).toBeLessThanOrEqual(0.1);

    await cluster.apply(networking('virtual-service-reviews-v3.yaml'), { namespace: NS });
    await pollUntil(() => client.run(20, JASON), onlyTo('v3'), { what: '100% v3' });

    await cluster.delete({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: NS },
    } as Obj);
    // No VirtualService: the default route spreads calls over every reviews pod.
    await pollUntil(
      () => client.run(60, { concurrency: 10 }),
      (t) => t.failures === 0 && versions(t).join() === 'v1,v2,v3',
      { what: 'all versions after delete' },
    );
  }, 60_000);

  it('keeps serving and following changes across an API server restart', async () => {
    await env.restartApiServer();
    await cluster.apply(networking('virtual-service-reviews-test-v2.yaml'), { namespace: NS });
    await pollUntil(() => client.run(20, JASON), onlyTo('v2'), {
      what: 'jason → v2 after restart',
      timeoutMs: 40_000,
    });
    await pollUntil(() => client.run(20), onlyTo('v1'), { what: 'others → v1 after restart' });
  }, 90_000);
});
