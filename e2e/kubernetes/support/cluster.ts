// What the e2e tests do to the test API server (credentials from @kubernetes/client-node's KubeConfig): server-side apply
// (optionally dry-run), create, merge patch, delete, pod status writes, waiting for CRDs, and the bookinfo fixtures
// (Services from the Istio sample, one Pod per Deployment with a loopback podIP).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
);

export type Obj = KubernetesObject & Record<string, unknown>;

export function readYamlObjects(...relPath: string[]): Obj[] {
  const text = readFileSync(path.join(repoRoot, ...relPath), 'utf8');
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as Obj | null)
    .filter((o): o is Obj => !!o && typeof o === 'object' && !!o.kind);
}

/** A non-2xx answer; `status` is the HTTP status, `message` the API server's Status message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/**
 * Raw JSON requests with the kubeconfig's credentials. client-node's KubernetesObjectApi is not
 * used for writes: its model serializer drops fields it does not know by their wire name (e.g.
 * `x-kubernetes-int-or-string` in CRD schemas), which the API server then rejects.
 */
export class Cluster {
  private readonly discovery = new Map<string, ApiResource[]>();

  constructor(readonly kc: KubeConfig) {}

  /** Server-side apply (force), as `kubectl apply --server-side [--dry-run=server]`. */
  async apply(objs: Obj[], opts: { dryRun?: boolean; namespace?: string } = {}): Promise<Obj[]> {
    const out: Obj[] = [];
    for (const o of objs) {
      const query = new URLSearchParams({ fieldManager: 'mini-istiod-e2e', force: 'true' });
      if (opts.dryRun) query.set('dryRun', 'All');
      const url = `${await this.objectPath(o, opts.namespace)}?${query}`;
      const body = { ...o, metadata: { ...o.metadata } } as Obj;
      if (url.includes('/namespaces/') && !body.metadata?.namespace && opts.namespace) {
        body.metadata = { ...body.metadata, namespace: opts.namespace };
      }
      out.push((await this.request('PATCH', url, body, 'application/apply-patch+yaml')) as Obj);
    }
    return out;
  }

  async read(o: Obj): Promise<Obj> {
    return (await this.request('GET', await this.objectPath(o))) as Obj;
  }

  async delete(o: Obj): Promise<void> {
    await this.request('DELETE', await this.objectPath(o));
  }

  /** A plain create (POST to the collection), as `kubectl create -f [--dry-run=server]`. */
  async create(o: Obj, opts: { dryRun?: boolean } = {}): Promise<Obj> {
    const objectPath = await this.objectPath(o);
    const collection = objectPath.slice(0, objectPath.lastIndexOf('/'));
    const query = opts.dryRun ? '?dryRun=All' : '';
    return (await this.request('POST', `${collection}${query}`, o)) as Obj;
  }

  /** A JSON merge patch (RFC 7386: arrays are replaced whole), as `kubectl patch --type merge`. */
  async mergePatch(o: Obj, patch: unknown): Promise<Obj> {
    const url = await this.objectPath(o);
    return (await this.request('PATCH', url, patch, 'application/merge-patch+json')) as Obj;
  }

  /** Waits until every CRD in `crds` is Established (and so its resources are served). */
  async waitForCrds(crds: Obj[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const crd of crds) {
      for (;;) {
        const got = await this.read({ ...crd, metadata: { name: crd.metadata?.name } } as Obj);
        const status = got.status as { conditions?: { type: string; status: string }[] };
        const conditions = status?.conditions ?? [];
        if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
        if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata?.name} not established`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.discovery.clear();
  }

  /** Writes status.podIP (and Running/Ready) through the status subresource. */
  async setPodRunning(namespace: string, name: string, ip: string): Promise<void> {
    const path = `/api/v1/namespaces/${namespace}/pods/${name}/status`;
    const status = {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: 'Ready', status: 'True' }],
    };
    await this.request('PATCH', path, { status }, 'application/merge-patch+json');
  }

  private async objectPath(o: Obj, defaultNamespace?: string): Promise<string> {
    const apiVersion = o.apiVersion ?? '';
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let resources = this.discovery.get(base);
    if (!resources) {
      resources = ((await this.request('GET', base)) as { resources: ApiResource[] }).resources;
      this.discovery.set(base, resources);
    }
    const r = resources.find((x) => x.kind === o.kind && !x.name.includes('/'));
    if (!r) throw new Error(`${apiVersion} ${o.kind} is not served`);
    const name = o.metadata?.name ?? '';
    const ns = o.metadata?.namespace ?? defaultNamespace ?? 'default';
    return r.namespaced
      ? `${base}/namespaces/${ns}/${r.name}/${name}`
      : `${base}/${r.name}/${name}`;
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<unknown> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const url = new URL(cluster.server + path);
    const opts: https.RequestOptions = {
      method,
      headers: { Accept: 'application/json', 'Content-Type': contentType },
    };
    await this.kc.applyToHTTPSOptions(opts);
    return new Promise((resolve, reject) => {
      const req = https.request(url, { ...opts, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const parsed: unknown = text ? JSON.parse(text) : {};
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(parsed);
          else {
            const message = (parsed as { message?: string }).message ?? text;
            reject(new ApiError(status, `${method} ${path}: HTTP ${status}: ${message}`));
          }
        });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }
}

export interface BookinfoPod {
  name: string;
  ip: string;
  labels: Record<string, string>;
  serviceAccount: string;
}

/**
 * The bookinfo sample as objects: its Services and ServiceAccounts, and one Pod per Deployment
 * (pod IPs 127.0.0.11, .12, ... in Deployment order, to be set with setPodRunning). No
 * EndpointSlices: the API server refuses loopback addresses in them (and in Endpoints), so the
 * model finds these endpoints through the Services' selectors, as it does for config files.
 */
export function bookinfoObjects(namespace: string): {
  services: Obj[];
  serviceAccounts: Obj[];
  pods: { pod: Obj; info: BookinfoPod }[];
} {
  const all = readYamlObjects('testdata', 'bookinfo', 'platform', 'kube', 'bookinfo.yaml');
  const withNs = (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, namespace } }) as Obj;
  const services = all.filter((o) => o.kind === 'Service').map(withNs);
  const serviceAccounts = all.filter((o) => o.kind === 'ServiceAccount').map(withNs);
  const pods = all
    .filter((o) => o.kind === 'Deployment')
    .map((d, i) => {
      const template = (d.spec as { template: { metadata: Obj['metadata']; spec: Obj } }).template;
      const labels = template.metadata?.labels ?? {};
      const name = `${d.metadata?.name}-0`;
      const spec = template.spec as { serviceAccountName?: string };
      const info: BookinfoPod = {
        name,
        ip: `127.0.0.${11 + i}`,
        labels,
        serviceAccount: spec.serviceAccountName ?? 'default',
      };
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace, labels },
        spec: template.spec,
      } as Obj;
      return { pod, info };
    });
  return { services, serviceAccounts, pods };
}
