// Best-effort guess of whether a destination service accepts mTLS (Istio's
// BestEffortInferServiceMTLSMode), used only to decide auto-mTLS on the client cluster.
// Only mesh-wide and namespace-wide PeerAuthentications count here: a workload-selector policy
// affects single endpoints, and is applied through EDS metadata instead.
import type { ConfigResource } from '../../model/config.js';
import type { MtlsMode, PeerAuthenticationSpec, TrafficPolicy } from '../../model/istio-types.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';

/** `UNKNOWN` when the DR sets TLS explicitly (auto-mTLS is then irrelevant). */
export type ServiceMtlsMode = 'UNKNOWN' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

function selectorless(
  policies: readonly ConfigResource<PeerAuthenticationSpec>[],
  namespace: string,
): Exclude<MtlsMode, 'UNSET'> | undefined {
  const p = policies.find(
    (r) =>
      r.metadata.namespace === namespace &&
      Object.keys(r.spec.selector?.matchLabels ?? {}).length === 0,
  );
  const mode = p?.spec.mtls?.mode;
  return mode === undefined || mode === 'UNSET' ? undefined : mode;
}

export function inferServiceMtlsMode(
  push: PushContext,
  policy: TrafficPolicy | undefined,
  service: Service,
): ServiceMtlsMode {
  if (service.meshExternal) return 'DISABLE';
  if (policy?.tls !== undefined) return 'UNKNOWN';
  const all = push.snapshot.peerAuthentications;
  const ns = selectorless(all, service.namespace);
  if (ns !== undefined) return ns;
  const mesh = selectorless(all, push.mesh.rootNamespace);
  return mesh ?? 'PERMISSIVE';
}

/**
 * Effective mTLS mode a single workload enforces on `port` (workload → namespace → mesh,
 * port-level first), for EDS's per-endpoint decision. Undefined means PERMISSIVE by default.
 */
export function workloadMtlsMode(
  push: PushContext,
  namespace: string,
  labels: Record<string, string>,
  port: number,
): MtlsMode | undefined {
  // Most specific last, per the PushContext contract.
  const policies = push.peerAuthenticationsFor(namespace, labels);
  for (let i = policies.length - 1; i >= 0; i--) {
    const spec = policies[i].spec;
    const portMode = spec.portLevelMtls?.[String(port)]?.mode;
    const hasSelector = Object.keys(spec.selector?.matchLabels ?? {}).length > 0;
    // Istio honours portLevelMtls only on workload-selector policies.
    if (hasSelector && portMode !== undefined && portMode !== 'UNSET') return portMode;
    const mode = spec.mtls?.mode;
    if (mode !== undefined && mode !== 'UNSET') return mode;
  }
  return undefined;
}
