// What the e2e tests do to the test API server, through @kubernetes/client-node: server-side apply
// (optionally dry-run), delete, pod status writes, waiting for CRDs, and the bookinfo fixtures
// (Services from the Istio sample, one Pod per Deployment with a loopback podIP, EndpointSlices).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node';
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

export class Cluster {
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;

  constructor(readonly kc: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  /** Server-side apply (force), as `kubectl apply --server-side [--dry-run=server]`. */
  async apply(objs: Obj[], opts: { dryRun?: boolean; namespace?: string } = {}): Promise<Obj[]> {
    const out: Obj[] = [];
    for (const o of objs) {
      const obj = { ...o, metadata: { ...o.metadata } } as Obj;
      if (opts.namespace && !obj.metadata?.namespace && (await this.isNamespaced(obj))) {
        obj.metadata = { ...obj.metadata, namespace: opts.namespace };
      }
      out.push(
        (await this.objects.patch(
          obj,
          undefined,
          opts.dryRun ? 'All' : undefined,
          'mini-istiod-e2e',
          true,
          PatchStrategy.ServerSideApply,
        )) as Obj,
      );
    }
    return out;
  }

  async delete(obj: Obj): Promise<void> {
    await this.objects.delete(obj);
  }

  private async isNamespaced(obj: Obj): Promise<boolean> {
    const clusterScoped = new Set([
      'Namespace',
      'ClusterRole',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
      'ValidatingWebhookConfiguration',
    ]);
    return !clusterScoped.has(obj.kind ?? '');
  }

  /** Waits until every CRD in `crds` is Established (and so its resources are served). */
  async waitForCrds(crds: Obj[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const crd of crds) {
      for (;;) {
        const got = (await this.objects.read({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: crd.metadata?.name ?? '' },
        })) as Obj;
        const conditions =
          (got.status as { conditions?: { type: string; status: string }[] } | undefined)
            ?.conditions ?? [];
        if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
        if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata?.name} not established`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Writes status.podIP (and Running/Ready) through the status subresource. */
  async setPodRunning(namespace: string, name: string, ip: string): Promise<void> {
    const pod = await this.core.readNamespacedPod({ name, namespace });
    const body: V1Pod = {
      ...pod,
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    };
    await this.core.replaceNamespacedPodStatus({ name, namespace, body });
  }
}

export interface BookinfoPod {
  name: string;
  ip: string;
  labels: Record<string, string>;
  serviceAccount: string;
}

/**
 * The bookinfo sample as objects: its Services and ServiceAccounts, one Pod per Deployment (pod
 * IPs 127.0.0.11, .12, ... in Deployment order) and one EndpointSlice per Service selecting them.
 */
export function bookinfoObjects(namespace: string): {
  services: Obj[];
  serviceAccounts: Obj[];
  pods: { pod: Obj; info: BookinfoPod }[];
  endpointSlices: Obj[];
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
  const endpointSlices = services.map((svc) => {
    const spec = svc.spec as {
      selector?: Record<string, string>;
      ports: { name?: string; port: number; targetPort?: number }[];
    };
    const selected = pods.filter(({ info }) =>
      Object.entries(spec.selector ?? {}).every(([k, v]) => info.labels[k] === v),
    );
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${svc.metadata?.name}-abc12`,
        namespace,
        labels: { 'kubernetes.io/service-name': svc.metadata?.name ?? '' },
      },
      addressType: 'IPv4',
      ports: spec.ports.map((p) => ({
        name: p.name ?? '',
        port: p.targetPort ?? p.port,
        protocol: 'TCP',
      })),
      endpoints: selected.map(({ info }) => ({
        addresses: [info.ip],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: 'Pod', name: info.name, namespace },
      })),
    } as Obj;
  });
  return { services, serviceAccounts, pods, endpointSlices };
}
