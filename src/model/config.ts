// The unit of configuration that flows from sources into the model: one Kubernetes-style
// object (an Istio custom resource or a core Kubernetes object) and where it came from.

/** Where a resource was read from; every error about it names this. */
export interface SourceRef {
  /** File path (file source) or `k8s://<kind>/<ns>/<name>` (Kubernetes source). */
  file: string;
  /** Zero-based position in a multi-document YAML file. */
  docIndex?: number;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  generation?: number;
  resourceVersion?: string;
  uid?: string;
}

/** A raw object as parsed from YAML/JSON, before validation. */
export interface RawObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
  spec?: unknown;
  [key: string]: unknown;
}

/**
 * A validated object. `spec` has the shape of the kind's schema (see istio-types.ts and
 * kube-types.ts); the namespace is always filled in (default: `default`).
 */
export interface ConfigResource<S = unknown> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { namespace: string };
  spec: S;
  /** Present for kinds whose data is not under `spec` (Endpoints.subsets, EndpointSlice.endpoints, Pod.status...). */
  raw: RawObject;
  source: SourceRef;
}

/** Identity of a resource across versions: `Kind/namespace/name` (kind without group). */
export type ConfigKey = string;

export function configKey(kind: string, namespace: string, name: string): ConfigKey {
  return `${kind}/${namespace}/${name}`;
}

export function keyOf(r: Pick<ConfigResource, 'kind' | 'metadata'>): ConfigKey {
  return configKey(r.kind, r.metadata.namespace, r.metadata.name);
}

/** Istio kinds this control plane reads, with the API groups and versions accepted for each. */
export const ISTIO_KINDS = {
  VirtualService: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  DestinationRule: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  Gateway: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  ServiceEntry: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  WorkloadEntry: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  Sidecar: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  PeerAuthentication: { group: 'security.istio.io', versions: ['v1beta1', 'v1'] },
  AuthorizationPolicy: { group: 'security.istio.io', versions: ['v1beta1', 'v1'] },
} as const;

/** Kubernetes kinds read for the service registry. */
export const KUBE_KINDS = {
  Service: { apiVersions: ['v1'] },
  Endpoints: { apiVersions: ['v1'] },
  EndpointSlice: { apiVersions: ['discovery.k8s.io/v1'] },
  Pod: { apiVersions: ['v1'] },
  Namespace: { apiVersions: ['v1'] },
} as const;

export type IstioKind = keyof typeof ISTIO_KINDS;
export type KubeKind = keyof typeof KUBE_KINDS;
export type Kind = IstioKind | KubeKind;

export function isIstioKind(kind: string): kind is IstioKind {
  return Object.prototype.hasOwnProperty.call(ISTIO_KINDS, kind);
}

export function isKubeKind(kind: string): kind is KubeKind {
  return Object.prototype.hasOwnProperty.call(KUBE_KINDS, kind);
}

/** The mesh-wide settings istiod reads from MeshConfig; the defaults are Istio's. */
export interface MeshConfig {
  rootNamespace: string;
  trustDomain: string;
  domainSuffix: string;
  outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  enableAutoMtls: boolean;
  /** Duration string, e.g. `10s`. */
  connectTimeout: string;
}

export const DEFAULT_MESH_CONFIG: MeshConfig = {
  rootNamespace: 'istio-system',
  trustDomain: 'cluster.local',
  domainSuffix: 'cluster.local',
  outboundTrafficPolicy: 'ALLOW_ANY',
  enableAutoMtls: true,
  connectTimeout: '10s',
};
