// A temporary config directory the server watches, filled with Kubernetes-style objects
// (Service + Pod with status.podIP + Endpoints whose addresses point at the Pods) and Istio
// resources. Every write is atomic (a dot-named temp file renamed over the target: the file
// source ignores dotfiles), so the server never reads half a file, and returns the moment the
// new content became visible, the start of every convergence measurement.
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';

export const NAMESPACE = 'default';
export const SERVICE_PORT = 9080;
export const SERVICE_PORT_NAME = 'grpc';

/** One backend pod of a service: where it listens and which labels select it. */
export interface PodSpec {
  /** Pod name, e.g. `reviews-v1-0`. */
  name: string;
  app: string;
  version: string;
  ip: string;
  /** Container port the workload server listens on (the Service's targetPort). */
  port: number;
}

export type Doc = Record<string, unknown>;

export function serviceDoc(app: string, targetPort: number, clusterIP: string): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace: NAMESPACE, labels: { app, service: app } },
    spec: {
      clusterIP,
      selector: { app },
      ports: [{ name: SERVICE_PORT_NAME, port: SERVICE_PORT, targetPort, protocol: 'TCP' }],
    },
  };
}

export function podDoc(pod: PodSpec): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: NAMESPACE,
      labels: { app: pod.app, version: pod.version },
    },
    spec: {
      serviceAccountName: `bookinfo-${pod.app}`,
      containers: [{ name: pod.app, image: 'e2e', ports: [{ containerPort: pod.port }] }],
    },
    status: {
      phase: 'Running',
      podIP: pod.ip,
      podIPs: [{ ip: pod.ip }],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

/** The endpoints controller's view of `pods` (all of one app, all on the same port). */
export function endpointsDoc(app: string, port: number, pods: readonly PodSpec[]): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: app, namespace: NAMESPACE, labels: { app, service: app } },
    subsets:
      pods.length === 0
        ? []
        : [
            {
              addresses: pods.map((p) => ({
                ip: p.ip,
                targetRef: { kind: 'Pod', name: p.name, namespace: NAMESPACE },
              })),
              ports: [{ name: SERVICE_PORT_NAME, port, protocol: 'TCP' }],
            },
          ],
  };
}

/** A DestinationRule with one subset per version label. */
export function subsetsRuleDoc(app: string, versions: readonly string[]): Doc {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: app, namespace: NAMESPACE },
    spec: {
      host: app,
      subsets: versions.map((v) => ({ name: v, labels: { version: v } })),
    },
  };
}

export function virtualServiceDoc(app: string, http: unknown[]): Doc {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: app, namespace: NAMESPACE },
    spec: { hosts: [app], http },
  };
}

export class ConfigDir {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'mini-istiod-e2e-'));
  private counter = 0;

  /** Writes `docs` as one multi-document YAML file; returns performance.now() after the rename. */
  write(name: string, docs: readonly Doc[]): number {
    return this.writeText(name, docs.map((d) => stringify(d)).join('---\n'));
  }

  writeText(name: string, text: string): number {
    const tmp = path.join(this.dir, `.tmp-${process.pid}-${++this.counter}`);
    writeFileSync(tmp, text);
    renameSync(tmp, path.join(this.dir, name));
    return performance.now();
  }

  remove(name: string): number {
    unlinkSync(path.join(this.dir, name));
    return performance.now();
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
