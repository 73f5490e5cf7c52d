// Who is asking for config: an Envoy sidecar, an ingress gateway (Istio type `router`) or a
// proxyless gRPC client, identified the way istiod identifies it (node id + node metadata).

export type ProxyType = 'sidecar' | 'router';

export interface Proxy {
  /** The full node id, `<type>~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`. */
  id: string;
  type: ProxyType;
  /** First IP of the node id / INSTANCE_IPS. */
  ip: string;
  ips: string[];
  /** Pod (or workload) name: the part of `<pod>.<ns>` before the namespace. */
  podName: string;
  namespace: string;
  /** `<pod>.<ns>`, the name istioctl shows. */
  name: string;
  /** Labels from metadata LABELS, else from the registry's Pod with that name/IP. */
  labels: Record<string, string>;
  serviceAccount?: string;
  /** `grpc` for proxyless gRPC clients (node metadata GENERATOR). */
  generator?: 'grpc';
  /** Envoy/Istio version reported by the client, when any (ISTIO_VERSION metadata). */
  istioVersion?: string;
  /** All node metadata as received (strings, or JSON values). */
  metadata: Record<string, unknown>;
}
