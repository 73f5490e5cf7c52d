// The effective inbound mTLS mode for one workload port (Istio's ComposePeerAuthentication):
// policies apply mesh (root namespace) → namespace → workload, the most specific one with a
// set mode wins, UNSET inherits from the level above, the default is PERMISSIVE, and
// portLevelMtls (keyed by the workload's target port) counts only on workload-selector policies.
import type { ConfigResource } from '../../model/config.js';
import type { MtlsMode, PeerAuthenticationSpec } from '../../model/istio-types.js';

export type EffectiveMtls = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

function isSet(mode: MtlsMode | undefined): mode is Exclude<MtlsMode, 'UNSET'> {
  return mode !== undefined && mode !== 'UNSET';
}

/** `policies` in the push context's order (most specific last); `port` undefined = workload level. */
export function effectiveMtlsMode(
  policies: readonly ConfigResource<PeerAuthenticationSpec>[],
  port?: number,
): EffectiveMtls {
  let mode: EffectiveMtls = 'PERMISSIVE';
  for (const pa of policies) {
    const m = pa.spec.mtls?.mode;
    if (isSet(m)) mode = m;
    const hasSelector = Object.keys(pa.spec.selector?.matchLabels ?? {}).length > 0;
    if (port !== undefined && hasSelector) {
      const portMode = pa.spec.portLevelMtls?.[String(port)]?.mode;
      if (isSet(portMode)) mode = portMode;
    }
  }
  return mode;
}
