// PeerAuthentication rules (istio ValidatePeerAuthentication): port-level mTLS needs a workload
// selector with labels, and its keys must be ports.
import type { PeerAuthenticationSpec } from '../../istio-types.js';
import { Issues } from './issue.js';

export function validatePeerAuthentication(
  spec: PeerAuthenticationSpec,
  _namespace: string,
): Issues {
  const is = new Issues();
  const emptySelector = Object.keys(spec.selector?.matchLabels ?? {}).length === 0;
  if (spec.portLevelMtls !== undefined) {
    const ports = Object.keys(spec.portLevelMtls ?? {});
    if (emptySelector)
      is.err(
        'spec.portLevelMtls',
        'mesh/namespace peer authentication cannot have port level mTLS',
      );
    if (ports.length === 0)
      is.err('spec.portLevelMtls', 'port level mTLS, if defined, must have at least one element');
    for (const p of ports) {
      const n = Number(p);
      if (!/^\d+$/.test(p) || n <= 0 || n > 65535) {
        is.err(`spec.portLevelMtls[${JSON.stringify(p)}]`, 'port must be in range 1..65535');
      }
    }
  }
  return is;
}
