// mini-istiod's validating admission webhook called by a real kube-apiserver: the shipped
// ValidatingWebhookConfiguration (pointed at the test webhook on loopback) makes the API server
// refuse an invalid VirtualService with the lines `mini-istiod analyze` prints, and admit valid ones.
import { readFileSync } from 'node:fs';
import { formatConfigError } from '../../src/model/validation/types.js';
import { validateResource } from '../../src/model/validation/validate-resource.js';
import { ValidationWebhook, WEBHOOK_PATH } from '../../src/sources/kubernetes/index.js';
import { KubeTestEnv } from './support/kube-test-env.js';
import { Cluster, readYamlObjects, type Obj } from './support/cluster.js';

const NS = 'default';
let env: KubeTestEnv;
let cluster: Cluster;
let webhook: ValidationWebhook;

const reviews = (host: string): Obj =>
  ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: NS },
    spec: {
      hosts: [host],
      http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }],
    },
  }) as Obj;
const VALID = reviews('reviews');
// Passes the CRD schema (so the API server alone accepts it) but not Istio's semantic rules:
// a `*` host on a VirtualService bound to the mesh gateway.
const INVALID = reviews('*');

beforeAll(async () => {
  env = new KubeTestEnv();
  await env.start();
  cluster = new Cluster(env.kubeConfig());
  const crds = readYamlObjects('manifests', 'crds', 'istio-crds.yaml');
  await cluster.apply(crds);
  await cluster.waitForCrds(crds);

  const { servingCert, servingKey, caCert } = env.certs;
  webhook = new ValidationWebhook({
    cert: readFileSync(servingCert),
    key: readFileSync(servingKey),
    host: '127.0.0.1',
    port: 0,
  });
  const port = await webhook.listen();
  // The shipped configuration, pointed at the loopback webhook instead of the in-cluster Service.
  const [config] = readYamlObjects(
    'manifests',
    'install',
    'webhook',
    'validating-webhook-configuration.yaml',
  );
  const hooks = (config as { webhooks: Record<string, unknown>[] }).webhooks.map((w) => ({
    ...w,
    clientConfig: {
      url: `https://127.0.0.1:${port}${WEBHOOK_PATH}`,
      caBundle: readFileSync(caCert).toString('base64'),
    },
  }));
  await cluster.apply([{ ...config, webhooks: hooks } as Obj]);
}, 240_000);

afterAll(async () => {
  await webhook?.close();
  await env?.stop();
});

describe('validating admission webhook through the real API server', () => {
  it('refuses an invalid VirtualService with the message analyze prints', async () => {
    // The API server picks up a new webhook configuration within a moment: retry until it does.
    const deadline = Date.now() + 20_000;
    let refusal: Error | undefined;
    while (!refusal && Date.now() < deadline) {
      try {
        await cluster.apply([INVALID], { dryRun: true });
        await new Promise((r) => setTimeout(r, 200));
      } catch (err) {
        refusal = err as Error;
      }
    }
    expect(refusal?.message).toMatch(/admission webhook "validation\.mini-istiod\.io" denied/);
    const analyzed = validateResource(INVALID, { file: 'k8s://VirtualService/default/reviews' });
    expect(analyzed.ok).toBe(false);
    for (const e of analyzed.ok ? [] : analyzed.errors) {
      expect(refusal?.message).toContain(formatConfigError(e));
    }
    await expect(cluster.read(INVALID)).rejects.toThrow(/HTTP 404/);
  }, 30_000);

  it('admits valid config, and an update that breaks it is refused', async () => {
    await cluster.apply([VALID]);
    const stored = await cluster.read(VALID);
    expect((stored.spec as { hosts: string[] }).hosts).toEqual(['reviews']);
    await expect(cluster.apply([INVALID])).rejects.toThrow(/denied the request/);
    const after = await cluster.read(VALID);
    expect(after.spec).toEqual(VALID.spec);
  });
});
