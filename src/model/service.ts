// The service registry's view of the mesh, built from Kubernetes Services (+ Endpoints /
// EndpointSlices / Pods) and ServiceEntries (+ WorkloadEntries). Translation reads only these.

/** Istio's protocol names; inferred from port name prefix / appProtocol (`http-web` → HTTP). */
export type Protocol =
  | 'HTTP'
  | 'HTTP2'
  | 'HTTP_PROXY'
  | 'GRPC'
  | 'GRPC-Web'
  | 'HTTPS'
  | 'TLS'
  | 'TCP'
  | 'UDP'
  | 'Mongo'
  | 'Redis'
  | 'MySQL'
  | 'Unsupported';

export interface ServicePort {
  /** Port name as declared (`http`, `grpc-web`...); may be empty for an unnamed single port. */
  name: string;
  /** The service port clients dial. */
  port: number;
  protocol: Protocol;
  /** Kubernetes targetPort when numeric; undefined when named or unset (resolve from endpoints). */
  targetPort?: number;
}

/** How the proxy resolves the service's endpoints (Istio's model.Resolution). */
export type Resolution = 'ClientSideLB' | 'DNSLB' | 'DNSRoundRobinLB' | 'Passthrough';

export interface Service {
  /** Fully-qualified hostname: `name.ns.svc.cluster.local` or a ServiceEntry host. */
  hostname: string;
  /** Namespace of the Service or ServiceEntry that defines it. */
  namespace: string;
  /** Name of the defining resource. */
  name: string;
  /** Virtual IPs (Kubernetes clusterIP, or ServiceEntry addresses); empty when headless or none. */
  addresses: string[];
  ports: ServicePort[];
  resolution: Resolution;
  /** ServiceEntry location MESH_EXTERNAL. */
  meshExternal: boolean;
  registry: 'Kubernetes' | 'ServiceEntry';
  /** Namespaces the service is visible to: `*` (all), `.` (own namespace), or names. */
  exportTo: string[];
  labels: Record<string, string>;
  /** Kubernetes selector / ServiceEntry workloadSelector labels. */
  selector?: Record<string, string>;
  /** Service accounts (spiffe ids or names) of the backing workloads, for SAN checks. */
  serviceAccounts: string[];
  /** RFC 3339 time, used for Istio's oldest-first ordering. */
  creationTimestamp?: string;
  /** `kind/namespace/name` of the resource that defined it (for debug and metadata). */
  configKey: string;
}

/** One endpoint of one service port (Istio's IstioEndpoint). */
export interface ServiceEndpoint {
  /** Hostname of the service this endpoint belongs to. */
  hostname: string;
  /** Service port (not target port) this endpoint serves. */
  servicePort: number;
  servicePortName: string;
  /** IP address (or DNS name for ServiceEntry DNS endpoints). */
  address: string;
  /** Port the workload listens on (target port). */
  port: number;
  labels: Record<string, string>;
  /** `spiffe://<trust domain>/ns/<ns>/sa/<sa>` when known. */
  serviceAccount?: string;
  /** `istio` when the workload has a sidecar (label security.istio.io/tlsMode=istio), else `disabled`. */
  tlsMode: 'istio' | 'disabled';
  /** `region/zone/subzone`, possibly empty. */
  locality: string;
  /** Load-balancing weight (WorkloadEntry weight), default 1. */
  weight: number;
  healthy: boolean;
  namespace: string;
  /** Pod or WorkloadEntry name, when known. */
  workloadName?: string;
}

/** A workload instance (Pod or WorkloadEntry) known to the registry; used for proxy identity. */
export interface Workload {
  kind: 'Pod' | 'WorkloadEntry';
  name: string;
  namespace: string;
  ip: string;
  labels: Record<string, string>;
  serviceAccount?: string;
}
