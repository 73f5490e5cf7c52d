// What both bootstrap generators need to know about the proxy, checked once: the node id is
// parsed the way the server will parse it (model/proxy-identity), so a bootstrap that the server
// would reject for its node id is never printed.
import { parseProxy } from '../model/proxy-identity.js';
import type { ProxyType } from '../model/proxy.js';
import { DEFAULT_XDS_ADDRESS, parseXdsAddress, type XdsAddress } from './xds-address.js';

export interface BootstrapOptions {
  /** `<type>~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`. */
  nodeId: string;
  /** `host:port` of mini-istiod's plaintext xDS port; default 127.0.0.1:15010. */
  xdsAddress?: string;
  /** Workload labels sent as LABELS; when absent the server takes them from the Pod. */
  labels?: Record<string, string>;
  /** Overrides the namespace read from the node id. */
  namespace?: string;
  /** Adds the SDS cluster (Envoy) or the certificate provider (gRPC) that mTLS needs. */
  mtls?: boolean;
}

/** The proxy as the bootstrap describes it. */
export interface BootstrapIdentity {
  nodeId: string;
  type: ProxyType;
  ip: string;
  podName: string;
  namespace: string;
  labels?: Record<string, string>;
  xds: XdsAddress;
  mtls: boolean;
}

export type IdentityResult = { ok: true; value: BootstrapIdentity } | { ok: false; error: string };

export function resolveIdentity(opts: BootstrapOptions): IdentityResult {
  const xds = parseXdsAddress(opts.xdsAddress ?? DEFAULT_XDS_ADDRESS);
  if (typeof xds === 'string') return { ok: false, error: xds };
  const metadata: Record<string, unknown> = {};
  if (opts.namespace !== undefined && opts.namespace !== '') metadata.NAMESPACE = opts.namespace;
  const parsed = parseProxy(opts.nodeId, metadata);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const p = parsed.value;
  return {
    ok: true,
    value: {
      nodeId: opts.nodeId,
      type: p.type,
      ip: p.ip,
      podName: p.podName,
      namespace: p.namespace,
      labels: opts.labels,
      xds,
      mtls: opts.mtls === true,
    },
  };
}
