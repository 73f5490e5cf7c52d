// Workload instances (Pods and WorkloadEntries) as the registries need them: identity, IP,
// labels and named container ports (for resolving named targetPorts).
import type { ConfigResource } from '../config.js';
import type { WorkloadEntrySpec } from '../istio-types.js';
import type { KubePodSpec, KubePodStatus } from '../kube-types.js';
import type { Workload } from '../service.js';
import { spiffeId } from './labels.js';

export interface PodInfo extends Workload {
  kind: 'Pod';
  /** All pod IPs (status.podIPs, else status.podIP). */
  ips: string[];
  /** Kubernetes service account name (default `default`). */
  serviceAccountName: string;
  /** Container port numbers by port name. */
  namedPorts: Map<string, number>;
  ready: boolean;
  nodeName?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Pod's readiness: its Ready condition when present, else phase Running. */
function podReady(status: KubePodStatus): boolean {
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  if (ready) return ready.status === 'True';
  return status.phase === undefined || status.phase === 'Running';
}

/** Reads a Pod resource; a Pod without an IP yet is still returned (ip ''), it just serves nothing. */
export function podInfo(pod: ConfigResource, trustDomain: string): PodInfo {
  const spec = (isRecord(pod.raw.spec) ? pod.raw.spec : {}) as KubePodSpec;
  const status = (isRecord(pod.raw.status) ? pod.raw.status : {}) as KubePodStatus;
  const ips = status.podIPs?.map((p) => p.ip).filter(Boolean) ?? [];
  if (ips.length === 0 && status.podIP) ips.push(status.podIP);
  const namedPorts = new Map<string, number>();
  for (const c of spec.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name) namedPorts.set(p.name, p.containerPort);
  }
  const sa = spec.serviceAccountName || 'default';
  const ns = pod.metadata.namespace;
  return {
    kind: 'Pod',
    name: pod.metadata.name,
    namespace: ns,
    ip: ips[0] ?? '',
    ips,
    labels: pod.metadata.labels ?? {},
    serviceAccount: spiffeId(trustDomain, ns, sa),
    serviceAccountName: sa,
    namedPorts,
    ready: podReady(status),
    nodeName: spec.nodeName,
  };
}

/**
 * A WorkloadEntry as a Workload: labels are the spec's labels over the object's labels (as
 * Istio merges them), service account as a SPIFFE id in the entry's namespace.
 */
export function workloadEntryInfo(
  we: ConfigResource<WorkloadEntrySpec>,
  trustDomain: string,
): Workload {
  const ns = we.metadata.namespace;
  return {
    kind: 'WorkloadEntry',
    name: we.metadata.name,
    namespace: ns,
    ip: we.spec.address ?? '',
    labels: { ...(we.metadata.labels ?? {}), ...(we.spec.labels ?? {}) },
    serviceAccount: we.spec.serviceAccount
      ? spiffeId(trustDomain, ns, we.spec.serviceAccount)
      : undefined,
  };
}

/** Pods indexed once per push for endpoint building and proxy identity. */
export interface PodIndex {
  all: readonly PodInfo[];
  byName: ReadonlyMap<string, PodInfo>;
  byIp: ReadonlyMap<string, PodInfo>;
  byNamespace: ReadonlyMap<string, readonly PodInfo[]>;
}

export function indexPods(kube: readonly ConfigResource[], trustDomain: string): PodIndex {
  const all: PodInfo[] = [];
  const byName = new Map<string, PodInfo>();
  const byIp = new Map<string, PodInfo>();
  const byNamespace = new Map<string, PodInfo[]>();
  for (const r of kube) {
    if (r.kind !== 'Pod') continue;
    const p = podInfo(r, trustDomain);
    all.push(p);
    byName.set(`${p.namespace}/${p.name}`, p);
    // IPs are reused: a ready pod takes an IP from a not-ready (e.g. completed) one.
    for (const ip of p.ips) {
      const holder = byIp.get(ip);
      if (!holder || (p.ready && !holder.ready)) byIp.set(ip, p);
    }
    const list = byNamespace.get(p.namespace) ?? [];
    list.push(p);
    byNamespace.set(p.namespace, list);
  }
  return { all, byName, byIp, byNamespace };
}
