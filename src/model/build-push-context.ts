// Builds the immutable, indexed PushContext of one push from a snapshot of valid config.
// Everything is indexed here once; per-proxy calls are map reads plus small filters.
import type { ConfigResource, MeshConfig } from './config.js';
import type {
  AuthorizationPolicySpec,
  DestinationRuleSpec,
  GatewaySpec,
  PeerAuthenticationSpec,
  ServiceEntrySpec,
  SidecarSpec,
  VirtualServiceSpec,
  WorkloadEntrySpec,
} from './istio-types.js';
import type { ConfigSnapshot, PushContext, ResolvedVirtualService } from './push-context.js';
import { DestinationRuleIndex } from './registry/destination-rule-index.js';
import { ServiceIndex } from './registry/service-index.js';
import { VirtualServiceIndex } from './registry/virtual-service-index.js';
import { WorkloadConfigIndex } from './registry/workload-config-index.js';
import type { Service, ServiceEndpoint, Workload } from './service.js';

function byNamespaceName(a: ConfigResource, b: ConfigResource): number {
  const x = `${a.metadata.namespace}/${a.metadata.name}`;
  const y = `${b.metadata.namespace}/${b.metadata.name}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

function ofKind<S>(resources: readonly ConfigResource[], kind: string): ConfigResource<S>[] {
  return resources.filter((r) => r.kind === kind).sort(byNamespaceName) as ConfigResource<S>[];
}

const KUBE_ORDER = ['Namespace', 'Service', 'Endpoints', 'EndpointSlice', 'Pod'];

/**
 * Groups already-validated resources by kind into a ConfigSnapshot, each list sorted by
 * namespace/name (Kubernetes objects by kind first). Unknown kinds are ignored.
 */
export function snapshotFromResources(resources: readonly ConfigResource[]): ConfigSnapshot {
  const kube = resources
    .filter((r) => KUBE_ORDER.includes(r.kind))
    .sort(
      (a, b) => KUBE_ORDER.indexOf(a.kind) - KUBE_ORDER.indexOf(b.kind) || byNamespaceName(a, b),
    );
  return {
    virtualServices: ofKind<VirtualServiceSpec>(resources, 'VirtualService'),
    destinationRules: ofKind<DestinationRuleSpec>(resources, 'DestinationRule'),
    gateways: ofKind<GatewaySpec>(resources, 'Gateway'),
    serviceEntries: ofKind<ServiceEntrySpec>(resources, 'ServiceEntry'),
    workloadEntries: ofKind<WorkloadEntrySpec>(resources, 'WorkloadEntry'),
    sidecars: ofKind<SidecarSpec>(resources, 'Sidecar'),
    peerAuthentications: ofKind<PeerAuthenticationSpec>(resources, 'PeerAuthentication'),
    authorizationPolicies: ofKind<AuthorizationPolicySpec>(resources, 'AuthorizationPolicy'),
    kube,
  };
}

class IndexedPushContext implements PushContext {
  readonly services: readonly Service[];
  private readonly registry: ServiceIndex;
  private readonly virtualServices: VirtualServiceIndex;
  private readonly destinationRules: DestinationRuleIndex;
  private readonly workloadConfig: WorkloadConfigIndex;

  constructor(
    readonly snapshot: ConfigSnapshot,
    readonly mesh: MeshConfig,
    readonly version: string,
    previous?: PushContext,
  ) {
    this.registry = reusableRegistry(previous, snapshot, mesh) ?? new ServiceIndex(snapshot, mesh);
    this.services = this.registry.services;
    this.virtualServices = new VirtualServiceIndex(snapshot.virtualServices, mesh);
    this.destinationRules = new DestinationRuleIndex(snapshot.destinationRules, mesh);
    this.workloadConfig = new WorkloadConfigIndex(snapshot, mesh);
  }

  /** For the next push context only (reusableRegistry). */
  registryForReuse(): ServiceIndex {
    return this.registry;
  }

  servicesVisibleTo(namespace: string): readonly Service[] {
    return this.registry.servicesVisibleTo(namespace);
  }

  serviceForHost(hostname: string, proxyNamespace: string): Service | undefined {
    return this.registry.serviceForHost(hostname, proxyNamespace);
  }

  endpoints(hostname: string, servicePort: number, namespace?: string): readonly ServiceEndpoint[] {
    return this.registry.endpoints(hostname, servicePort, namespace);
  }

  workloadByIp(ip: string): Workload | undefined {
    return this.registry.workloadByIp(ip);
  }

  workloadByName(namespace: string, name: string): Workload | undefined {
    return this.registry.workloadByName(namespace, name);
  }

  servicesForWorkload(namespace: string, labels: Record<string, string>): readonly Service[] {
    return this.registry.servicesForWorkload(namespace, labels);
  }

  virtualServicesFor(namespace: string, gateway: string): readonly ResolvedVirtualService[] {
    return this.virtualServices.forGateway(namespace, gateway);
  }

  destinationRule(
    namespace: string,
    hostname: string,
    proxyLabels?: Record<string, string>,
  ): ConfigResource<DestinationRuleSpec> | undefined {
    const svcNamespace = this.registry.serviceForHost(hostname, namespace)?.namespace;
    return this.destinationRules.lookup(namespace, hostname, svcNamespace, proxyLabels);
  }

  sidecarFor(
    namespace: string,
    labels: Record<string, string>,
  ): ConfigResource<SidecarSpec> | undefined {
    return this.workloadConfig.sidecarFor(namespace, labels);
  }

  gatewaysFor(
    _namespace: string,
    labels: Record<string, string>,
  ): readonly ConfigResource<GatewaySpec>[] {
    return this.workloadConfig.gatewaysFor(labels);
  }

  peerAuthenticationsFor(
    namespace: string,
    labels: Record<string, string>,
  ): readonly ConfigResource<PeerAuthenticationSpec>[] {
    return this.workloadConfig.peerAuthenticationsFor(namespace, labels);
  }

  authorizationPoliciesFor(
    namespace: string,
    labels: Record<string, string>,
  ): readonly ConfigResource<AuthorizationPolicySpec>[] {
    return this.workloadConfig.authorizationPoliciesFor(namespace, labels);
  }
}

const sameElements = <T>(a: readonly T[], b: readonly T[]): boolean =>
  a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/**
 * The previous push's service registry when this push's registry would be built from the very
 * same inputs: the same Kubernetes objects, ServiceEntries and WorkloadEntries (the identical
 * resource objects, which the config store keeps for every origin that was not re-applied) and
 * the same mesh settings. Rebuilding it is most of a push context's cost, and a change to
 * routing or policy alone leaves it as it was. Reusing it also keeps its services, visibility
 * lists and endpoints the identical objects, so results derived from them stay shared.
 */
function reusableRegistry(
  previous: PushContext | undefined,
  snapshot: ConfigSnapshot,
  mesh: MeshConfig,
): ServiceIndex | undefined {
  if (!(previous instanceof IndexedPushContext) || previous.mesh !== mesh) return undefined;
  const before = previous.snapshot;
  const same =
    sameElements(before.kube, snapshot.kube) &&
    sameElements(before.serviceEntries, snapshot.serviceEntries) &&
    sameElements(before.workloadEntries, snapshot.workloadEntries);
  return same ? previous.registryForReuse() : undefined;
}

/**
 * Builds the PushContext of one push. The snapshot must not change afterwards; the context
 * and the services/endpoints it hands out are frozen or treated as read-only. With `previous`
 * (the context this one replaces), parts built from unchanged inputs are taken over from it.
 */
export function buildPushContext(
  snapshot: ConfigSnapshot,
  mesh: MeshConfig,
  version: string,
  previous?: PushContext,
): PushContext {
  return new IndexedPushContext(snapshot, mesh, version, previous);
}
