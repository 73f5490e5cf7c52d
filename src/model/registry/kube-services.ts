// Kubernetes Service (+ EndpointSlice / Endpoints / Pod) → registry Services and endpoints,
// following istiod's kube registry (pilot/pkg/serviceregistry/kube/conversion.go).
//
// Endpoint sources, in order: the EndpointSlices labelled `kubernetes.io/service-name` for the
// service; else the Endpoints object of the same name; else (config files often carry Pods
// but no Endpoints) the Pods the selector matches, healthy when Ready, as the endpoints controller
// would have listed them. ExternalName services have their external name as their only
// endpoint (resolution DNS), which is how istiod rendered them before its "Alias" resolution.
import type { ConfigResource, MeshConfig } from '../config.js';
import type {
  KubeEndpointAddress,
  KubeEndpointSlice,
  KubeEndpointSubset,
  KubeServicePort,
  KubeServiceSpec,
} from '../kube-types.js';
import type { Service, ServiceEndpoint, ServicePort } from '../service.js';
import { localityFromLabels, selectorMatches, spiffeId, tlsModeFromLabels } from './labels.js';
import { kubePortProtocol } from './protocol.js';
import { addService, type RegistryPart } from './registry-part.js';
import type { PodIndex, PodInfo } from './workloads.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';
const CANONICAL_SA_ANNOTATION = 'alpha.istio.io/canonical-serviceaccounts';
const KUBE_SA_ANNOTATION = 'alpha.istio.io/kubernetes-serviceaccounts';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function kubeHostname(name: string, namespace: string, domainSuffix: string): string {
  return `${name}.${namespace}.svc.${domainSuffix}`;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Converts one Kubernetes Service (without endpoints and workload service accounts). */
export function convertKubeService(svc: ConfigResource, mesh: MeshConfig): Service {
  const spec = (isRecord(svc.raw.spec) ? svc.raw.spec : {}) as KubeServiceSpec;
  const ns = svc.metadata.namespace;
  const annotations = svc.metadata.annotations ?? {};
  const headless = spec.clusterIP === 'None';
  const externalName = spec.type === 'ExternalName' && spec.externalName ? spec.externalName : '';
  let addresses: string[] = [];
  if (!headless && spec.clusterIP) {
    addresses =
      spec.clusterIPs && spec.clusterIPs.length > 1 ? [...spec.clusterIPs] : [spec.clusterIP];
  }
  const ports: ServicePort[] = (spec.ports ?? []).map((p) => ({
    name: p.name ?? '',
    port: p.port,
    protocol: kubePortProtocol(p.port, p.name, p.protocol, p.appProtocol),
    targetPort: typeof p.targetPort === 'number' ? p.targetPort : undefined,
  }));
  const exportTo = splitList(annotations[EXPORT_TO_ANNOTATION]);
  const serviceAccounts = [
    ...splitList(annotations[CANONICAL_SA_ANNOTATION]),
    ...splitList(annotations[KUBE_SA_ANNOTATION]).map((sa) => spiffeId(mesh.trustDomain, ns, sa)),
  ];
  return {
    hostname: kubeHostname(svc.metadata.name, ns, mesh.domainSuffix),
    namespace: ns,
    name: svc.metadata.name,
    addresses,
    ports,
    resolution: externalName ? 'DNSLB' : headless ? 'Passthrough' : 'ClientSideLB',
    meshExternal: externalName !== '',
    registry: 'Kubernetes',
    exportTo: exportTo.length > 0 ? exportTo : ['*'],
    labels: svc.metadata.labels ?? {},
    selector: spec.selector,
    serviceAccounts,
    creationTimestamp: svc.metadata.creationTimestamp,
    configKey: `Service/${ns}/${svc.metadata.name}`,
  };
}

interface EndpointTarget {
  ip: string;
  healthy: boolean;
  pod?: PodInfo;
  zone?: string;
}

function endpointFor(
  svc: Service,
  port: ServicePort,
  targetPort: number,
  t: EndpointTarget,
): ServiceEndpoint {
  const labels = t.pod?.labels ?? {};
  return {
    hostname: svc.hostname,
    servicePort: port.port,
    servicePortName: port.name,
    address: t.ip,
    port: targetPort,
    labels,
    serviceAccount: t.pod?.serviceAccount,
    tlsMode: tlsModeFromLabels(labels),
    locality: localityFromLabels(labels) ?? (t.zone ? `/${t.zone}` : ''),
    weight: 1,
    healthy: t.healthy,
    namespace: svc.namespace,
    workloadName: t.pod?.name,
  };
}

/** Endpoint ports carry the service port's name; an unnamed single port matches the unnamed one. */
function servicePortByName(svc: Service, name: string | undefined): ServicePort | undefined {
  return svc.ports.find((p) => p.name === (name ?? ''));
}

function podFor(
  pods: PodIndex,
  ns: string,
  ip: string,
  ref: KubeEndpointAddress['targetRef'],
): PodInfo | undefined {
  if (ref?.kind === 'Pod' && ref.name) {
    const p = pods.byName.get(`${ref.namespace ?? ns}/${ref.name}`);
    if (p) return p;
  }
  return pods.byIp.get(ip);
}

function fromSlices(
  svc: Service,
  slices: readonly ConfigResource[],
  pods: PodIndex,
): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  for (const s of slices) {
    const slice = s.raw as KubeEndpointSlice;
    for (const sp of slice.ports ?? []) {
      const port = servicePortByName(svc, sp.name);
      if (!port || sp.port === undefined) continue;
      for (const ep of slice.endpoints ?? []) {
        // Kubernetes: an unset `ready` means ready.
        const healthy = ep.conditions?.ready !== false;
        for (const ip of ep.addresses ?? []) {
          const pod = podFor(pods, svc.namespace, ip, ep.targetRef);
          out.push(endpointFor(svc, port, sp.port, { ip, healthy, pod, zone: ep.zone }));
        }
      }
    }
  }
  return out;
}

function fromEndpoints(svc: Service, eps: ConfigResource, pods: PodIndex): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  const subsets = Array.isArray(eps.raw.subsets) ? (eps.raw.subsets as KubeEndpointSubset[]) : [];
  for (const subset of subsets) {
    for (const ep of subset.ports ?? []) {
      const port = servicePortByName(svc, ep.name);
      if (!port) continue;
      const groups: [KubeEndpointAddress[] | undefined, boolean][] = [
        [subset.addresses, true],
        [subset.notReadyAddresses, false],
      ];
      for (const [addresses, healthy] of groups) {
        for (const a of addresses ?? []) {
          const pod = podFor(pods, svc.namespace, a.ip, a.targetRef);
          out.push(endpointFor(svc, port, ep.port, { ip: a.ip, healthy, pod }));
        }
      }
    }
  }
  return out;
}

/** targetPort of a Service port for one pod: number, named container port, or the port itself. */
function resolveTargetPort(raw: KubeServicePort | undefined, pod: PodInfo): number | undefined {
  const tp = raw?.targetPort;
  if (tp === undefined || tp === '') return raw?.port;
  if (typeof tp === 'number') return tp;
  return pod.namedPorts.get(tp);
}

function fromPods(svc: Service, spec: KubeServiceSpec, pods: PodIndex): ServiceEndpoint[] {
  const selector = spec.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const out: ServiceEndpoint[] = [];
  const candidates = pods.byNamespace.get(svc.namespace) ?? [];
  for (const port of svc.ports) {
    const raw = spec.ports?.find((p) => p.port === port.port && (p.name ?? '') === port.name);
    for (const pod of candidates) {
      if (!pod.ip || !selectorMatches(selector, pod.labels)) continue;
      const target = resolveTargetPort(raw, pod);
      if (target === undefined) continue;
      out.push(endpointFor(svc, port, target, { ip: pod.ip, healthy: pod.ready, pod }));
    }
  }
  return out;
}

/**
 * Builds the Kubernetes part of the registry. Each service's `serviceAccounts` gains the SPIFFE
 * ids of its endpoints' pods (sorted, unique), which is what istiod uses for SAN checks.
 */
export function buildKubeRegistry(
  kube: readonly ConfigResource[],
  pods: PodIndex,
  mesh: MeshConfig,
): RegistryPart {
  const slicesByService = new Map<string, ConfigResource[]>();
  const endpointsByService = new Map<string, ConfigResource>();
  for (const r of kube) {
    if (r.kind === 'EndpointSlice') {
      const svcName = r.metadata.labels?.[SERVICE_NAME_LABEL];
      if (!svcName) continue;
      const key = `${r.metadata.namespace}/${svcName}`;
      const list = slicesByService.get(key) ?? [];
      list.push(r);
      slicesByService.set(key, list);
    } else if (r.kind === 'Endpoints') {
      endpointsByService.set(`${r.metadata.namespace}/${r.metadata.name}`, r);
    }
  }

  const part: RegistryPart = { services: [], endpoints: [] };
  for (const r of kube) {
    if (r.kind !== 'Service') continue;
    const svc = convertKubeService(r, mesh);
    const spec = (isRecord(r.raw.spec) ? r.raw.spec : {}) as KubeServiceSpec;
    const key = `${svc.namespace}/${svc.name}`;
    let eps: ServiceEndpoint[];
    if (svc.meshExternal && spec.externalName) {
      const ext = spec.externalName;
      eps = svc.ports.map((p) => endpointFor(svc, p, p.port, { ip: ext, healthy: true }));
    } else if (slicesByService.has(key)) {
      eps = fromSlices(svc, slicesByService.get(key) ?? [], pods);
    } else if (endpointsByService.has(key)) {
      eps = fromEndpoints(svc, endpointsByService.get(key) as ConfigResource, pods);
    } else {
      eps = fromPods(svc, spec, pods);
    }
    addService(part, svc, eps);
  }
  return part;
}
