// The service registry of one push: Kubernetes and ServiceEntry services, their endpoints and
// the known workloads, indexed once so per-proxy lookups are map reads.
import type { ConfigResource, MeshConfig } from '../config.js';
import type { ServiceEntrySpec, WorkloadEntrySpec } from '../istio-types.js';
import type { Service, ServiceEndpoint, Workload } from '../service.js';
import { buildKubeRegistry } from './kube-services.js';
import { selectorMatches } from './labels.js';
import { compareByCreation } from './ordering.js';
import { buildServiceEntryRegistry } from './service-entries.js';
import { isVisibleTo, visibilityOf, type Visibility } from './visibility.js';
import { indexPods, workloadEntryInfo } from './workloads.js';

export interface RegistryInput {
  kube: readonly ConfigResource[];
  serviceEntries: readonly ConfigResource<ServiceEntrySpec>[];
  workloadEntries: readonly ConfigResource<WorkloadEntrySpec>[];
}

function byHostThenNamespace(a: Service, b: Service): number {
  if (a.hostname !== b.hostname) return a.hostname < b.hostname ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  // Same host and namespace from two registries: Kubernetes first, as istiod lists it first.
  if (a.registry !== b.registry) return a.registry === 'Kubernetes' ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const NO_ENDPOINTS: readonly ServiceEndpoint[] = Object.freeze([]);

export class ServiceIndex {
  readonly services: readonly Service[];
  private readonly visibility = new Map<Service, Visibility>();
  /** Per hostname, candidates in Istio's preference order (oldest first). */
  private readonly byHost = new Map<string, Service[]>();
  private readonly visibleCache = new Map<string, readonly Service[]>();
  private readonly endpointsByKey = new Map<string, ServiceEndpoint[]>();
  private readonly selectingByNamespace = new Map<string, Service[]>();
  private readonly workloadsByIp = new Map<string, Workload>();
  private readonly workloadsByName = new Map<string, Workload>();

  constructor(input: RegistryInput, mesh: MeshConfig) {
    const pods = indexPods(input.kube, mesh.trustDomain);
    const kube = buildKubeRegistry(input.kube, pods, mesh);
    const se = buildServiceEntryRegistry(input.serviceEntries, input.workloadEntries, pods, mesh);
    const services = [...kube.services, ...se.services].sort(byHostThenNamespace);
    for (const s of services) Object.freeze(s);
    this.services = Object.freeze(services);

    for (const s of services) {
      this.visibility.set(s, visibilityOf(s.exportTo, s.namespace));
      const list = this.byHost.get(s.hostname) ?? [];
      list.push(s);
      this.byHost.set(s.hostname, list);
      if (s.selector && Object.keys(s.selector).length > 0) {
        const sel = this.selectingByNamespace.get(s.namespace) ?? [];
        sel.push(s);
        this.selectingByNamespace.set(s.namespace, sel);
      }
    }
    for (const list of this.byHost.values()) {
      list.sort((a, b) => compareByCreation(a, b) || byHostThenNamespace(a, b));
    }

    for (const e of [...kube.endpoints, ...se.endpoints]) {
      Object.freeze(e);
      for (const key of [
        `${e.hostname}|${e.servicePort}`,
        `${e.namespace}|${e.hostname}|${e.servicePort}`,
      ]) {
        const list = this.endpointsByKey.get(key) ?? [];
        list.push(e);
        this.endpointsByKey.set(key, list);
      }
    }

    for (const we of input.workloadEntries) {
      const w = workloadEntryInfo(we, mesh.trustDomain);
      this.workloadsByName.set(`${w.namespace}/${w.name}`, w);
      if (w.ip && !this.workloadsByIp.has(w.ip)) this.workloadsByIp.set(w.ip, w);
    }
    // Pods take precedence over WorkloadEntries for an IP.
    for (const p of pods.all) {
      const w: Workload = {
        kind: 'Pod',
        name: p.name,
        namespace: p.namespace,
        ip: p.ip,
        labels: p.labels,
        serviceAccount: p.serviceAccount,
      };
      this.workloadsByName.set(`${w.namespace}/${w.name}`, w);
    }
    for (const [ip, p] of pods.byIp) {
      const w = this.workloadsByName.get(`${p.namespace}/${p.name}`);
      if (w) this.workloadsByIp.set(ip, w);
    }
  }

  isVisible(s: Service, namespace: string): boolean {
    const v = this.visibility.get(s);
    return v ? isVisibleTo(v, namespace) : false;
  }

  servicesVisibleTo(namespace: string): readonly Service[] {
    let out = this.visibleCache.get(namespace);
    if (!out) {
      out = Object.freeze(this.services.filter((s) => this.isVisible(s, namespace)));
      this.visibleCache.set(namespace, out);
    }
    return out;
  }

  /**
   * One service per hostname for a proxy: among those visible to its namespace, the one in its
   * own namespace, else the oldest (then name, namespace).
   */
  serviceForHost(hostname: string, proxyNamespace: string): Service | undefined {
    const candidates = this.byHost.get(hostname);
    if (!candidates) return undefined;
    let first: Service | undefined;
    for (const s of candidates) {
      if (!this.isVisible(s, proxyNamespace)) continue;
      if (s.namespace === proxyNamespace) return s;
      first ??= s;
    }
    return first;
  }

  endpoints(hostname: string, servicePort: number, namespace?: string): readonly ServiceEndpoint[] {
    const key =
      namespace === undefined
        ? `${hostname}|${servicePort}`
        : `${namespace}|${hostname}|${servicePort}`;
    return this.endpointsByKey.get(key) ?? NO_ENDPOINTS;
  }

  workloadByIp(ip: string): Workload | undefined {
    return this.workloadsByIp.get(ip);
  }

  workloadByName(namespace: string, name: string): Workload | undefined {
    return this.workloadsByName.get(`${namespace}/${name}`);
  }

  servicesForWorkload(namespace: string, labels: Record<string, string>): readonly Service[] {
    return (this.selectingByNamespace.get(namespace) ?? []).filter((s) =>
      selectorMatches(s.selector, labels),
    );
  }
}
