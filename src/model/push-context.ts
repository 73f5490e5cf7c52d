// The contract between the model and translation: one immutable, indexed view of all valid
// config for one push. Built once per push (see build-push-context.ts) and shared by every
// proxy's translation; nothing in it may be mutated after construction.
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
import type { Service, ServiceEndpoint, Workload } from './service.js';

/** All valid resources of one push, by kind, in a stable order (namespace, name). */
export interface ConfigSnapshot {
  virtualServices: readonly ConfigResource<VirtualServiceSpec>[];
  destinationRules: readonly ConfigResource<DestinationRuleSpec>[];
  gateways: readonly ConfigResource<GatewaySpec>[];
  serviceEntries: readonly ConfigResource<ServiceEntrySpec>[];
  workloadEntries: readonly ConfigResource<WorkloadEntrySpec>[];
  sidecars: readonly ConfigResource<SidecarSpec>[];
  peerAuthentications: readonly ConfigResource<PeerAuthenticationSpec>[];
  authorizationPolicies: readonly ConfigResource<AuthorizationPolicySpec>[];
  /** Kubernetes objects (Service, Endpoints, EndpointSlice, Pod, Namespace). */
  kube: readonly ConfigResource[];
}

export interface PushContext {
  readonly mesh: MeshConfig;
  /** Monotonic version of the config this context was built from. */
  readonly version: string;
  readonly snapshot: ConfigSnapshot;

  // ---- service registry
  /** Every service, sorted by hostname then namespace. */
  readonly services: readonly Service[];
  /** Services a proxy in `namespace` may see (exportTo applied), sorted by hostname. */
  servicesVisibleTo(namespace: string): readonly Service[];
  /** Istio picks one service per hostname for a proxy: its own namespace's first, else the oldest. */
  serviceForHost(hostname: string, proxyNamespace: string): Service | undefined;
  /** Endpoints of one service port (any health), stable order. */
  endpoints(hostname: string, servicePort: number, namespace?: string): readonly ServiceEndpoint[];
  /** Known workloads (Pods and WorkloadEntries). */
  workloadByIp(ip: string): Workload | undefined;
  workloadByName(namespace: string, name: string): Workload | undefined;
  /** Services whose selector matches these labels in this namespace (the proxy's own services). */
  servicesForWorkload(namespace: string, labels: Record<string, string>): readonly Service[];

  // ---- Istio config indexes
  /**
   * VirtualServices visible to a proxy in `namespace` that bind to `gateway` (`mesh` for
   * sidecars; `<ns>/<name>` for a Gateway), in Istio's order (oldest first, then ns/name).
   * Hosts are already resolved to FQDNs (short names → `<host>.<vs ns>.svc.<suffix>`).
   */
  virtualServicesFor(namespace: string, gateway: string): readonly ResolvedVirtualService[];
  /** The DestinationRule that applies to `hostname` for a proxy in `namespace` (Istio's lookup order; merged where Istio merges). */
  destinationRule(
    namespace: string,
    hostname: string,
    proxyLabels?: Record<string, string>,
  ): ConfigResource<DestinationRuleSpec> | undefined;
  /** The Sidecar that applies to a workload: one with a matching selector in its namespace, else the namespace-wide one, else the root namespace's. */
  sidecarFor(
    namespace: string,
    labels: Record<string, string>,
  ): ConfigResource<SidecarSpec> | undefined;
  /** Gateways whose selector matches the labels (gateway proxies). */
  gatewaysFor(
    namespace: string,
    labels: Record<string, string>,
  ): readonly ConfigResource<GatewaySpec>[];
  /** PeerAuthentications that apply to a workload, most specific last: mesh (root ns), namespace, workload. */
  peerAuthenticationsFor(
    namespace: string,
    labels: Record<string, string>,
  ): readonly ConfigResource<PeerAuthenticationSpec>[];
  authorizationPoliciesFor(
    namespace: string,
    labels: Record<string, string>,
  ): readonly ConfigResource<AuthorizationPolicySpec>[];
}

/** A VirtualService with its hosts resolved to FQDNs (or wildcards) and its gateways to `ns/name` or `mesh`. */
export interface ResolvedVirtualService {
  resource: ConfigResource<VirtualServiceSpec>;
  hosts: readonly string[];
  gateways: readonly string[];
}
