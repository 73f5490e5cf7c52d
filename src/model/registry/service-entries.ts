// ServiceEntry (+ inline endpoints, + WorkloadEntries and Pods chosen by workloadSelector) →
// registry Services and endpoints, following istiod's serviceentry registry
// (pilot/pkg/serviceregistry/serviceentry/conversion.go). One Service per host.
import type { ConfigResource, MeshConfig } from '../config.js';
import type { ServiceEntrySpec, WorkloadEntrySpec } from '../istio-types.js';
import type { Resolution, Service, ServiceEndpoint, ServicePort } from '../service.js';
import { selectorMatches, spiffeId, TLS_MODE_LABEL } from './labels.js';
import { parseProtocol } from './protocol.js';
import { addService, type RegistryPart } from './registry-part.js';
import type { PodIndex, PodInfo } from './workloads.js';

const RESOLUTIONS: Record<string, Resolution> = {
  NONE: 'Passthrough',
  STATIC: 'ClientSideLB',
  DNS: 'DNSLB',
  DNS_ROUND_ROBIN: 'DNSRoundRobinLB',
};

/** `10.0.0.1/32` is the address `10.0.0.1`; other CIDRs are kept; anything else is dropped. */
function normaliseAddress(a: string): string | undefined {
  const slash = a.indexOf('/');
  if (slash < 0) return a;
  const ip = a.slice(0, slash);
  const bits = Number(a.slice(slash + 1));
  const full = ip.includes(':') ? 128 : 32;
  return bits === full ? ip : a;
}

function convertPorts(spec: ServiceEntrySpec): ServicePort[] {
  return (spec.ports ?? []).map((p) => ({
    name: p.name,
    port: p.number,
    protocol: parseProtocol(p.protocol),
    targetPort: p.targetPort || undefined,
  }));
}

/** The Services of one ServiceEntry, one per host, sharing ports and attributes. */
export function convertServiceEntry(se: ConfigResource<ServiceEntrySpec>): Service[] {
  const spec = se.spec;
  const ns = se.metadata.namespace;
  const ports = convertPorts(spec);
  const addresses = (spec.addresses ?? [])
    .map(normaliseAddress)
    .filter((a): a is string => a !== undefined);
  const resolution = RESOLUTIONS[spec.resolution ?? 'NONE'] ?? 'Passthrough';
  return (spec.hosts ?? []).map((host) => ({
    hostname: host,
    namespace: ns,
    name: se.metadata.name,
    addresses: [...addresses],
    ports: ports.map((p) => ({ ...p })),
    resolution,
    // The API's default location is MESH_EXTERNAL.
    meshExternal: spec.location !== 'MESH_INTERNAL',
    registry: 'ServiceEntry' as const,
    exportTo: spec.exportTo && spec.exportTo.length > 0 ? [...spec.exportTo] : ['*'],
    labels: se.metadata.labels ?? {},
    selector: spec.workloadSelector?.labels,
    serviceAccounts: [...(spec.subjectAltNames ?? [])],
    creationTimestamp: se.metadata.creationTimestamp,
    configKey: `ServiceEntry/${ns}/${se.metadata.name}`,
  }));
}

interface Instance {
  address: string;
  /** Target port by service port name (WorkloadEntry `ports`, or Pod named container ports). */
  portMap: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  labels: Record<string, string>;
  serviceAccount?: string;
  tlsMode: 'istio' | 'disabled';
  locality: string;
  weight: number;
  healthy: boolean;
  workloadName?: string;
}

function portFromMap(map: Instance['portMap'], name: string): number | undefined {
  return map instanceof Map ? map.get(name) : (map as Record<string, number>)[name];
}

/**
 * A WorkloadEntry-shaped endpoint (inline or a WorkloadEntry object). tlsMode is the label's
 * value when set, else `istio` when a service account is set (Istio's rule for VMs).
 */
function instanceFromEntry(
  we: WorkloadEntrySpec,
  objectLabels: Record<string, string>,
  namespace: string,
  mesh: MeshConfig,
  workloadName?: string,
): Instance {
  const labels = { ...objectLabels, ...(we.labels ?? {}) };
  const tlsLabel = labels[TLS_MODE_LABEL];
  const tlsMode =
    tlsLabel !== undefined
      ? tlsLabel === 'istio'
        ? 'istio'
        : 'disabled'
      : we.serviceAccount
        ? 'istio'
        : 'disabled';
  return {
    address: we.address ?? '',
    portMap: we.ports ?? {},
    labels,
    serviceAccount: we.serviceAccount
      ? spiffeId(mesh.trustDomain, namespace, we.serviceAccount)
      : undefined,
    tlsMode,
    locality: we.locality ?? '',
    weight: we.weight && we.weight > 0 ? we.weight : 1,
    healthy: true,
    workloadName,
  };
}

function instanceFromPod(pod: PodInfo): Instance {
  return {
    address: pod.ip,
    portMap: pod.namedPorts,
    labels: pod.labels,
    serviceAccount: pod.serviceAccount,
    tlsMode: pod.labels[TLS_MODE_LABEL] === 'istio' ? 'istio' : 'disabled',
    locality: pod.labels['istio-locality']?.replace(/\./g, '/') ?? '',
    weight: 1,
    healthy: pod.ready,
    workloadName: pod.name,
  };
}

function endpointsOf(
  svc: Service,
  namespace: string,
  instances: readonly Instance[],
): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  for (const inst of instances) {
    if (!inst.address) continue;
    for (const p of svc.ports) {
      // Target port: the workload's own port for this port name, else targetPort, else the number.
      const target = portFromMap(inst.portMap, p.name) || p.targetPort || p.port;
      out.push({
        hostname: svc.hostname,
        servicePort: p.port,
        servicePortName: p.name,
        address: inst.address,
        port: target,
        labels: inst.labels,
        serviceAccount: inst.serviceAccount,
        tlsMode: inst.tlsMode,
        locality: inst.locality,
        weight: inst.weight,
        healthy: inst.healthy,
        namespace,
        workloadName: inst.workloadName,
      });
    }
  }
  return out;
}

/**
 * Builds the ServiceEntry part of the registry. Endpoints come from, in Istio's order: inline
 * `endpoints`; else WorkloadEntries and Pods in the entry's namespace matched by
 * `workloadSelector`; else, for DNS / DNS_ROUND_ROBIN, each host itself (target port = the
 * port's targetPort or number). STATIC/NONE entries with neither have no endpoints.
 */
export function buildServiceEntryRegistry(
  serviceEntries: readonly ConfigResource<ServiceEntrySpec>[],
  workloadEntries: readonly ConfigResource<WorkloadEntrySpec>[],
  pods: PodIndex,
  mesh: MeshConfig,
): RegistryPart {
  const wesByNamespace = new Map<string, ConfigResource<WorkloadEntrySpec>[]>();
  for (const we of workloadEntries) {
    const list = wesByNamespace.get(we.metadata.namespace) ?? [];
    list.push(we);
    wesByNamespace.set(we.metadata.namespace, list);
  }

  const part: RegistryPart = { services: [], endpoints: [] };
  for (const se of serviceEntries) {
    const ns = se.metadata.namespace;
    const spec = se.spec;
    const selector = spec.workloadSelector?.labels;
    let instances: Instance[] = [];
    if (spec.endpoints && spec.endpoints.length > 0) {
      instances = spec.endpoints.map((e) => instanceFromEntry(e, {}, ns, mesh));
    } else if (spec.workloadSelector) {
      for (const we of wesByNamespace.get(ns) ?? []) {
        const inst = instanceFromEntry(
          we.spec,
          we.metadata.labels ?? {},
          ns,
          mesh,
          we.metadata.name,
        );
        if (selectorMatches(selector, inst.labels)) instances.push(inst);
      }
      for (const pod of pods.byNamespace.get(ns) ?? []) {
        if (pod.ip && selectorMatches(selector, pod.labels)) instances.push(instanceFromPod(pod));
      }
    }
    const dnsHosts =
      instances.length === 0 &&
      !spec.workloadSelector &&
      (spec.resolution === 'DNS' || spec.resolution === 'DNS_ROUND_ROBIN');

    for (const svc of convertServiceEntry(se)) {
      const own = dnsHosts
        ? [
            {
              address: svc.hostname,
              portMap: {},
              labels: {},
              tlsMode: 'disabled' as const,
              locality: '',
              weight: 1,
              healthy: true,
              workloadName: se.metadata.name,
            },
          ]
        : instances;
      addService(part, svc, endpointsOf(svc, ns, own));
    }
  }
  return part;
}
