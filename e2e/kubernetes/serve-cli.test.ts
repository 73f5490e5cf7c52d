// Kubernetes mode through the real command line, as users run it: `node bin/mini-istiod.js serve
// --kubeconfig ... --webhook-cert ... --webhook-key ...` as a child process against a real
// kube-apiserver. Proxyless grpc-js-xds clients must route as the VirtualServices applied,
// merge-patched and deleted through the API server say (all v1, jason → v2, 50/50, 100% v3);
// the process's own admission webhook, registered with the configuration and certificates
// scripts/kind-up.sh produces, must make the API server refuse an invalid VirtualService with the
// lines `mini-istiod analyze` prints; SIGTERM must end it with exit code 0.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { WEBHOOK_PATH } from '../../src/sources/kubernetes/index.js';
import { pollUntil } from '../support/mesh-harness.js';
import { freePort } from '../support/server-process.js';
import { startWorkloads, Workload } from '../support/workloads.js';
import { MeshClient, type Tally } from '../support/xds-client.js';
import { Cluster, bookinfoObjects, readYamlObjects, type Obj } from './support/cluster.js';
import { makeWebhookCerts, renderedWebhookConfig } from './support/kind-up-script.js';
import { KubeTestEnv } from './support/kube-test-env.js';
import { ServeProcess, runCli } from './support/serve-process.js';

const NS = 'default';
const TARGET = `xds:///reviews.${NS}.svc.cluster.local:9080`;
const JASON = { headers: { 'end-user': 'jason' } };
const networking = (file: string): Obj[] =>
  readYamlObjects('testdata', 'bookinfo', 'networking', file);
const REVIEWS_VS = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: NS },
} as Obj;
// Accepted by the CRD schema, refused by Istio's rules: a `*` host bound to the mesh gateway.
const INVALID = {
  ...REVIEWS_VS,
  metadata: { name: 'reviews-wildcard', namespace: NS },
  spec: { hosts: ['*'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
} as Obj;

// Loopback addresses of this file only (other suites use 127.0.0.x).
const workloads = ['v1', 'v2', 'v3'].map(
  (v, i) => new Workload(`reviews-${v}-0`, v, `127.0.66.${1 + i}`),
);
const versions = (t: Tally): string[] => [...t.byVersion.keys()].sort();
const onlyTo = (version: string) => (t: Tally) =>
  t.failures === 0 && versions(t).join() === version;

describe('serve --kubeconfig (the real CLI) against a real API server', () => {
  let env: KubeTestEnv;
  let cluster: Cluster;
  let serve: ServeProcess | undefined;
  let client: MeshClient | undefined;
  let tmp: string;
  let debugPort: number;
  let webhookPort: number;
  let caCert: string;

  beforeAll(async () => {
    env = new KubeTestEnv();
    await env.start();
    cluster = new Cluster(env.kubeConfig());
    const crds = readYamlObjects('manifests', 'crds', 'istio-crds.yaml');
    await cluster.apply(crds);
    await cluster.waitForCrds(crds);

    const workloadPort = await startWorkloads(workloads);
    const bookinfo = bookinfoObjects(NS);
    const reviews = bookinfo.services.find((s) => s.metadata?.name === 'reviews') as Obj;
    const spec = reviews.spec as { ports: { port: number; targetPort?: number }[] };
    const ports = spec.ports.map((p) => ({ ...p, targetPort: workloadPort }));
    await cluster.apply([...bookinfo.serviceAccounts, { ...reviews, spec: { ...spec, ports } }]);
    for (const w of workloads) {
      const { pod } = bookinfo.pods.find((p) => p.info.name === w.name) ?? {};
      if (!pod) throw new Error(`bookinfo has no ${w.name}`);
      await cluster.apply([pod]);
      await cluster.setPodRunning(NS, w.name, w.ip);
    }
    await cluster.apply(networking('destination-rule-all.yaml'), { namespace: NS });
    await cluster.apply(networking('virtual-service-all-v1.yaml'), { namespace: NS });

    tmp = mkdtempSync(path.join(os.tmpdir(), 'mini-istiod-serve-cli-'));
    // The API server reaches this webhook by URL on loopback, hence the extra IP SAN.
    const certs = makeWebhookCerts(tmp, 'IP:127.0.0.1');
    caCert = certs.caCert;
    const xdsPort = await freePort();
    debugPort = await freePort();
    webhookPort = await freePort();
    serve = await ServeProcess.start(
      [
        `--kubeconfig=${env.kubeconfigPath}`,
        '--xds-host=127.0.0.1',
        `--xds-port=${xdsPort}`,
        `--debug-port=${debugPort}`,
        `--webhook-port=${webhookPort}`,
        `--webhook-cert=${certs.cert}`,
        `--webhook-key=${certs.key}`,
        '--debounce=20',
      ],
      debugPort,
    );
    client = new MeshClient(
      `127.0.0.1:${xdsPort}`,
      {
        podName: 'productpage-v1-0',
        namespace: NS,
        ip: '127.0.66.10',
        labels: { app: 'productpage', version: 'v1' },
      },
      TARGET,
    );
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await serve?.stop('SIGKILL');
    await Promise.all(workloads.map((w) => w.stop()));
    await env?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('routes everything to v1 from the initial sync', async () => {
    const t = await (client as MeshClient).run(60, { concurrency: 10 });
    expect(t.failures).toBe(0);
    expect(versions(t)).toEqual(['v1']);
  });

  it('follows apply, merge patch and delete: jason → v2, 50/50, 100% v3, then all', async () => {
    const c = client as MeshClient;
    await cluster.apply(networking('virtual-service-reviews-jason-v2-v3.yaml'), { namespace: NS });
    await pollUntil(() => c.run(20, JASON), onlyTo('v2'), { what: 'jason → v2' });
    await pollUntil(() => c.run(20), onlyTo('v3'), { what: 'others → v3' });

    await cluster.apply(networking('virtual-service-reviews-50-v3.yaml'), { namespace: NS });
    await pollUntil(
      () => c.run(20),
      (t) => t.failures === 0 && t.byVersion.has('v1'),
      {
        what: 'v1 back in the split',
      },
    );
    // Measured once the switch is over: the batch that first saw v1 may straddle it.
    const split = await c.run(400, { concurrency: 20 });
    expect(split.failures).toBe(0);
    expect(versions(split)).toEqual(['v1', 'v3']);
    expect(Math.abs(split.share('v1') - 0.5)).toBeLessThanOrEqual(0.1);

    // `kubectl patch --type merge`: the whole http list is replaced by one route to v3.
    const patched = await cluster.mergePatch(REVIEWS_VS, {
      spec: { http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] },
    });
    expect((patched.spec as { http: unknown[] }).http).toHaveLength(1);
    await pollUntil(() => c.run(20, JASON), onlyTo('v3'), { what: 'jason → v3 after patch' });
    const all = await c.run(100, { concurrency: 20 });
    expect(all.failures).toBe(0);
    expect(versions(all)).toEqual(['v3']);

    await cluster.delete(REVIEWS_VS);
    // No VirtualService: the default route spreads calls over every reviews pod.
    await pollUntil(
      () => c.run(60, { concurrency: 10 }),
      (t) => t.failures === 0 && versions(t).join() === 'v1,v2,v3',
      { what: 'all versions after delete' },
    );
  }, 90_000);

  it("makes the API server refuse an invalid VirtualService with analyze's lines", async () => {
    // The configuration kind-up.sh applies, pointed at this process's webhook on loopback.
    const rendered = renderedWebhookConfig(caCert);
    const hooks = (rendered as { webhooks: { clientConfig: { caBundle: string } }[] }).webhooks;
    expect(hooks.map((h) => h.clientConfig.caBundle)).toEqual([
      readFileSync(caCert).toString('base64'),
    ]);
    const url = `https://127.0.0.1:${webhookPort}${WEBHOOK_PATH}`;
    await cluster.apply([
      {
        ...rendered,
        webhooks: hooks.map((h) => ({
          ...h,
          clientConfig: { url, caBundle: h.clientConfig.caBundle },
        })),
      } as Obj,
    ]);
    // The API server takes a moment to load a new webhook configuration: probe with dry runs
    // (nothing is stored) until the webhook answers.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const refused = await cluster.create(INVALID, { dryRun: true }).then(
        () => false,
        (err: Error) => /denied the request/.test(err.message),
      );
      if (refused) break;
      if (Date.now() > deadline) throw new Error(`webhook never called:\n${serve?.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const refusal = await cluster.create(INVALID).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(refusal?.message).toMatch(
      /HTTP 400: admission webhook "validation\.mini-istiod\.io" denied the request: Error \[IST0106\]/,
    );
    // The same lines as `mini-istiod analyze -f` on the object, the file named by its origin.
    const file = path.join(tmp, 'reviews-wildcard.yaml');
    writeFileSync(file, stringify(INVALID));
    const analyzed = runCli(['analyze', '-f', file]);
    expect(analyzed.status).toBe(1);
    const lines = analyzed.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(refusal?.message).toContain(
        line.replace(`${file}[0]`, 'k8s://VirtualService/default/reviews-wildcard'),
      );
    }
    await expect(cluster.read(INVALID)).rejects.toThrow(/HTTP 404/);

    // A valid VirtualService is admitted through the same webhook and reaches the clients.
    await cluster.apply(networking('virtual-service-reviews-v3.yaml'), { namespace: NS });
    await pollUntil(() => (client as MeshClient).run(30), onlyTo('v3'), {
      what: 'v3 after an admitted apply',
    });
  }, 60_000);

  it('exits 0 on SIGTERM after a graceful shutdown', async () => {
    // Closed first: a grpc-js-xds client whose ADS server is gone keeps retrying after close()
    // and would hold jest open. (e2e/xds/resilience.test.ts covers SIGTERM with clients attached.)
    client?.close();
    client = undefined;
    const s = serve as ServeProcess;
    const exit = await s.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(s.log).toMatch(/SIGTERM: shutting down/);
    expect(await s.status(debugPort, '/ready')).toBe(0);
  }, 30_000);
});

describe('serve without a config source', () => {
  it('says which flags it needs and exits 1', () => {
    const r = runCli(['serve', '--debug-port=0', '--xds-port=0']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'serve: give --config-dir DIR (repeatable), --kubeconfig PATH or --in-cluster',
    );
  });
});
