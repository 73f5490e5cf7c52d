// The Kubernetes source against a real kube-apiserver + etcd (scripts/kube-test-env.sh): the
// bookinfo sample is created through the API, and a ConfigStore + PushContext fed by the source
// must follow every apply/patch/delete, an API server restart, and a relist after 410 Gone.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MESH_CONFIG } from '../../src/model/config.js';
import { ConfigStore } from '../../src/model/config-store.js';
import { buildPushContext } from '../../src/model/build-push-context.js';
import type { PushContext } from '../../src/model/push-context.js';
import type { HTTPRoute } from '../../src/model/istio-types.js';
import {
  WEBHOOK_PATH,
  createKubernetesSource,
  type KubernetesSource,
} from '../../src/sources/kubernetes/index.js';
import type { SourceUpdate } from '../../src/sources/types.js';
import { KubeTestEnv } from './support/kube-test-env.js';
import { Cluster, bookinfoObjects, readYamlObjects, type Obj } from './support/cluster.js';
import { makeWebhookCerts, renderedWebhookConfig } from './support/kind-up-script.js';

const NS = 'default';
const REVIEWS = `reviews.${NS}.svc.cluster.local`;
const networking = (file: string): Obj[] =>
  readYamlObjects('testdata', 'bookinfo', 'networking', file);

let env: KubeTestEnv;
let cluster: Cluster;
let source: KubernetesSource;
const store = new ConfigStore();
const batches: SourceUpdate[][] = [];
const sourceErrors: string[] = [];

function push(): PushContext {
  return buildPushContext(store.snapshot(), DEFAULT_MESH_CONFIG, String(store.currentVersion()));
}

/** The reviews routes as `match → subset:weight` lines (what a client's routing would follow). */
function reviewsRouting(): string[] | undefined {
  const vs = push()
    .virtualServicesFor(NS, 'mesh')
    .find((v) => v.hosts.includes(REVIEWS));
  if (!vs) return undefined;
  return (vs.resource.spec.http ?? []).map((r: HTTPRoute) => {
    const match = (r.match ?? [])
      .map((m) => JSON.stringify((m as { headers?: unknown }).headers ?? {}))
      .join(',');
    const to = (r.route ?? []).map((d) => `${d.destination.subset}:${d.weight ?? 100}`).join(' ');
    return `${match || '*'} -> ${to}`;
  });
}

async function eventually<T>(
  what: string,
  probe: () => T,
  ok: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last = probe();
  while (!ok(last)) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: still ${JSON.stringify(last)} after ${ms} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
    last = probe();
  }
  return last;
}

/**
 * A selector-less Service with an EndpointSlice. The API server refuses loopback addresses in
 * EndpointSlices, so these are from 192.0.2.0/24 (RFC 5737, documentation only): they are only
 * data here, nothing connects to them.
 */
function sliceDemo(addresses = ['192.0.2.10', '192.0.2.11']): Obj[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'legacy-db', namespace: NS },
      spec: { ports: [{ name: 'tcp-db', port: 5432 }] },
    } as Obj,
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'legacy-db-x7k2p',
        namespace: NS,
        labels: { 'kubernetes.io/service-name': 'legacy-db' },
      },
      addressType: 'IPv4',
      ports: [{ name: 'tcp-db', port: 5432, protocol: 'TCP' }],
      endpoints: addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    } as Obj,
  ];
}
const LEGACY_DB = `legacy-db.${NS}.svc.cluster.local`;

const same = (want: unknown) => (got: unknown) => JSON.stringify(got) === JSON.stringify(want);

beforeAll(async () => {
  env = new KubeTestEnv();
  await env.start();
  cluster = new Cluster(env.kubeConfig());
  const crds = readYamlObjects('manifests', 'crds', 'istio-crds.yaml');
  await cluster.apply(crds);
  await cluster.waitForCrds(crds);

  const bookinfo = bookinfoObjects(NS);
  await cluster.apply([...bookinfo.serviceAccounts, ...bookinfo.services]);
  await cluster.apply(bookinfo.pods.map((p) => p.pod));
  for (const { info } of bookinfo.pods) await cluster.setPodRunning(NS, info.name, info.ip);
  await cluster.apply(sliceDemo());
  await cluster.apply(networking('destination-rule-all.yaml'), { namespace: NS });
  await cluster.apply(networking('virtual-service-all-v1.yaml'), { namespace: NS });

  source = createKubernetesSource({
    kubeconfig: env.kubeconfigPath,
    reflector: { minBackoffMs: 100, maxBackoffMs: 1000 },
    onError: (err) => sourceErrors.push(err.message),
  });
  await source.start((updates) => {
    batches.push(updates);
    store.apply(updates);
  });
}, 240_000);

afterAll(async () => {
  await source?.stop();
  await env?.stop();
});

describe('KubernetesSource against a real kube-apiserver', () => {
  it('delivers the whole initial state in one batch before start() resolves', () => {
    expect(batches.length).toBe(1);
    const origins = batches[0].map((u) => u.origin);
    expect(origins).toEqual(
      expect.arrayContaining([
        'k8s://Namespace/default',
        'k8s://Service/default/reviews',
        'k8s://EndpointSlice/default/legacy-db-x7k2p',
        'k8s://Pod/default/reviews-v2-0',
        'k8s://DestinationRule/default/reviews',
        'k8s://VirtualService/default/reviews',
      ]),
    );
    const vs = batches[0].find((u) => u.origin === 'k8s://VirtualService/default/reviews');
    expect(vs?.documents[0].source.file).toBe('k8s://VirtualService/default/reviews');
    expect(vs?.documents[0].object.apiVersion).toBe('networking.istio.io/v1');
    expect(vs?.documents[0].object.kind).toBe('VirtualService');
    expect(vs?.documents[0].object.metadata).not.toHaveProperty('managedFields');
    const ours = store.errors().filter((e) => e.source.file.startsWith('k8s://'));
    expect(ours).toEqual([]);
  });

  it('feeds services, endpoints and pods into the push context', () => {
    const pc = push();
    expect(pc.services.map((s) => s.hostname)).toEqual(
      expect.arrayContaining([REVIEWS, `ratings.${NS}.svc.cluster.local`]),
    );
    const eps = pc.endpoints(REVIEWS, 9080, NS).map((e) => `${e.address}:${e.port}`);
    expect(eps.sort()).toEqual(['127.0.0.13:9080', '127.0.0.14:9080', '127.0.0.15:9080']);
    const v2 = pc.workloadByIp('127.0.0.14');
    expect(v2?.name).toBe('reviews-v2-0');
    expect(v2?.labels).toMatchObject({ app: 'reviews', version: 'v2' });
    expect(v2?.serviceAccount).toBe('spiffe://cluster.local/ns/default/sa/bookinfo-reviews');
    expect(reviewsRouting()).toEqual(['* -> v1:100']);
  });

  it('follows each apply, patch and delete of a VirtualService', async () => {
    await cluster.apply(networking('virtual-service-reviews-jason-v2-v3.yaml'), { namespace: NS });
    await eventually(
      'jason → v2',
      reviewsRouting,
      same(['{"end-user":{"exact":"jason"}} -> v2:100', '* -> v3:100']),
    );
    await cluster.apply(networking('virtual-service-reviews-50-v3.yaml'), { namespace: NS });
    await eventually('50/50', reviewsRouting, same(['* -> v1:50 v3:50']));
    await cluster.apply(networking('virtual-service-reviews-v3.yaml'), { namespace: NS });
    await eventually('100% v3', reviewsRouting, same(['* -> v3:100']));
    await cluster.delete({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: NS },
    } as Obj);
    await eventually('deleted', reviewsRouting, (r) => r === undefined);
    const last = batches.at(-1) ?? [];
    expect(last).toContainEqual(
      expect.objectContaining({ origin: 'k8s://VirtualService/default/reviews', removed: true }),
    );
  }, 60_000);

  it('moves endpoints when an EndpointSlice is patched', async () => {
    const addresses = () =>
      push()
        .endpoints(LEGACY_DB, 5432, NS)
        .map((e) => e.address)
        .sort();
    expect(addresses()).toEqual(['192.0.2.10', '192.0.2.11']);
    await cluster.apply(sliceDemo(['192.0.2.11', '192.0.2.12']));
    await eventually('slice patched', addresses, same(['192.0.2.11', '192.0.2.12']));
  });

  it('survives an API server restart and keeps following changes', async () => {
    const before = batches.length;
    await env.restartApiServer();
    await cluster.apply(networking('virtual-service-reviews-v2-v3.yaml'), { namespace: NS });
    await eventually('v2/v3 after restart', reviewsRouting, same(['* -> v2:50 v3:50']), 40_000);
    // Nothing was lost or re-delivered: the restart itself produced no removals.
    const removals = batches
      .slice(before)
      .flat()
      .filter((u) => u.removed);
    expect(removals).toEqual([]);
    expect(push().endpoints(REVIEWS, 9080, NS)).toHaveLength(3);
  }, 90_000);

  it('relists after 410 Gone and reports what vanished while it was away', async () => {
    expect(store.get('DestinationRule', NS, 'ratings')).toBeDefined();
    const before = batches.length;
    // While the API server is down, the ratings DestinationRule disappears from etcd and history
    // is compacted: the resumed watch gets 410 and only a relist can notice the deletion.
    await env.restartApiServer(0, () =>
      env.etcdDeleteAndCompact('/registry/networking.istio.io/destinationrules/default/ratings'),
    );
    await eventually(
      'ratings DestinationRule removed',
      () => store.get('DestinationRule', NS, 'ratings'),
      (r) => r === undefined,
      40_000,
    );
    const delivered = batches.slice(before).flat();
    expect(delivered.filter((u) => u.removed).map((u) => u.origin)).toEqual([
      'k8s://DestinationRule/default/ratings',
    ]);
    // Unchanged objects are not re-delivered by the relist.
    expect(delivered.map((u) => u.origin)).not.toContain('k8s://DestinationRule/default/reviews');
    expect(store.get('DestinationRule', NS, 'reviews')).toBeDefined();
  }, 90_000);
});

describe('manifests against the real API server (kubectl apply --dry-run=server)', () => {
  const kustomized = (dir: string): Obj[] => {
    const k = readYamlObjects('manifests', dir, 'kustomization.yaml')[0] as unknown as {
      resources: string[];
    };
    return k.resources.flatMap((file) => readYamlObjects('manifests', dir, file));
  };

  it('accepts the install manifests and persists nothing', async () => {
    const install = kustomized('install');
    const ns = install.filter((o) => o.kind === 'Namespace');
    expect(ns.map((o) => o.metadata?.name)).toEqual(['mini-istiod']);
    // Namespaced dry-runs need their namespace to exist; the namespace itself is dry-run too.
    await cluster.apply(ns, { dryRun: true });
    await cluster.apply(ns);
    const rest = install.filter((o) => o.kind !== 'Namespace');
    const answered = await cluster.apply(rest, { dryRun: true });
    expect(answered.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'ClusterRole/mini-istiod',
      'ClusterRoleBinding/mini-istiod',
      'Deployment/mini-istiod',
      'Service/mini-istiod',
      'ServiceAccount/mini-istiod',
    ]);
    await expect(
      cluster.read({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'mini-istiod', namespace: 'mini-istiod' },
      } as Obj),
    ).rejects.toThrow(/HTTP 404/);
  });

  it('accepts the webhook configuration, as shipped and as kind-up.sh fills it in', async () => {
    const config = readYamlObjects(
      'manifests',
      'install',
      'webhook',
      'validating-webhook-configuration.yaml',
    );
    const [answered] = await cluster.apply(config, { dryRun: true });
    expect(answered.kind).toBe('ValidatingWebhookConfiguration');
    expect(answered.metadata?.name).toBe('mini-istiod-validator');

    const dir = mkdtempSync(path.join(os.tmpdir(), 'mini-istiod-kind-certs-'));
    try {
      const certs = makeWebhookCerts(dir);
      const [filled] = await cluster.apply([renderedWebhookConfig(certs.caCert)], { dryRun: true });
      const hooks = filled.webhooks as { clientConfig: { caBundle?: string } }[];
      expect(hooks.map((h) => h.clientConfig.caBundle)).toEqual([
        readFileSync(certs.caCert).toString('base64'),
      ]);
      // The Secret kind-up.sh creates (`kubectl create secret tls`) from the same files.
      const secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name: 'mini-istiod-webhook-tls', namespace: 'mini-istiod' },
        data: {
          'tls.crt': readFileSync(certs.cert).toString('base64'),
          'tls.key': readFileSync(certs.key).toString('base64'),
        },
      } as Obj;
      const [tls] = await cluster.apply([secret], { dryRun: true });
      expect(tls.type).toBe('kubernetes.io/tls');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('wires the webhook: configuration → Service 15017 → container port → mounted cert', () => {
    const install = kustomized('install');
    const [config] = readYamlObjects(
      'manifests',
      'install',
      'webhook',
      'validating-webhook-configuration.yaml',
    );
    const [hook] = config.webhooks as {
      name: string;
      clientConfig: { service: { name: string; namespace: string; path: string; port: number } };
      rules: { apiGroups: string[]; operations: string[]; resources: string[] }[];
      admissionReviewVersions: string[];
      sideEffects: string;
      failurePolicy: string;
    }[];
    expect(hook.name).toBe('validation.mini-istiod.io');
    expect(hook.clientConfig.service).toEqual({
      name: 'mini-istiod',
      namespace: 'mini-istiod',
      path: WEBHOOK_PATH,
      port: 15017,
    });
    // Creates and updates of every Istio resource (VirtualService, DestinationRule, Gateway, ...).
    expect(hook.rules).toEqual([
      expect.objectContaining({
        apiGroups: ['networking.istio.io', 'security.istio.io'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['*'],
      }),
    ]);
    expect(hook.admissionReviewVersions).toEqual(['v1']);
    expect(hook.sideEffects).toBe('None');
    expect(hook.failurePolicy).toBe('Fail');

    const service = install.find((o) => o.kind === 'Service') as Obj;
    expect(service.metadata?.name).toBe(hook.clientConfig.service.name);
    expect(service.metadata?.namespace).toBe(hook.clientConfig.service.namespace);
    const ports = (service.spec as { ports: { name: string; port: number; targetPort: number }[] })
      .ports;
    expect(ports.find((p) => p.port === 15017)).toEqual({
      name: 'https-webhook',
      port: 15017,
      targetPort: 15017,
    });

    const pod = (install.find((o) => o.kind === 'Deployment') as Obj).spec as {
      template: {
        spec: {
          containers: {
            args: string[];
            ports: { name: string; containerPort: number }[];
            volumeMounts: { name: string; mountPath: string }[];
          }[];
          volumes: { name: string; secret?: { secretName: string } }[];
        };
      };
    };
    const [container] = pod.template.spec.containers;
    expect(container.ports).toContainEqual({ name: 'https-webhook', containerPort: 15017 });
    expect(container.args).toEqual(
      expect.arrayContaining([
        'serve',
        '--in-cluster',
        '--webhook-cert=/etc/mini-istiod/tls/tls.crt',
        '--webhook-key=/etc/mini-istiod/tls/tls.key',
      ]),
    );
    const mount = container.volumeMounts.find((m) => m.mountPath === '/etc/mini-istiod/tls');
    const volume = pod.template.spec.volumes.find((v) => v.name === mount?.name);
    expect(volume?.secret?.secretName).toBe('mini-istiod-webhook-tls');
  });

  it('accepts the bookinfo wiring', async () => {
    const answered = await cluster.apply(kustomized('bookinfo'), { dryRun: true, namespace: NS });
    expect(answered.filter((o) => o.kind === 'Deployment')).toHaveLength(6);
    expect(answered.filter((o) => o.kind === 'VirtualService').length).toBeGreaterThanOrEqual(5);
  });

  it('is a real check: a broken Deployment is refused', async () => {
    const deployment = kustomized('install').find((o) => o.kind === 'Deployment') as Obj;
    const broken = JSON.parse(JSON.stringify(deployment)) as Obj;
    (broken.spec as { selector: unknown }).selector = { matchLabels: { app: 'other' } };
    await expect(cluster.apply([broken], { dryRun: true })).rejects.toThrow(/selector/i);
  });
});
