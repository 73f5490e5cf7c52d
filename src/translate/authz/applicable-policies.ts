// The AuthorizationPolicies enforced on one workload, grouped by action. The push context
// already selects root-namespace and own-namespace policies by workload selector; policies
// bound with targetRef(s) attach to Gateways / waypoints / Services, never to a sidecar or a
// proxyless server, so they are left out. CUSTOM (ext_authz) is not supported: those policies
// are reported and ignored (istiod would add an ext_authz filter for the named provider).
import type { ConfigResource } from '../../model/config.js';
import type { AuthorizationPolicySpec } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';

export type AuthorizationPolicy = ConfigResource<AuthorizationPolicySpec>;

export interface PoliciesByAction {
  allow: AuthorizationPolicy[];
  deny: AuthorizationPolicy[];
  audit: AuthorizationPolicy[];
  /** CUSTOM policies that selected the workload but are not enforced. */
  unsupported: AuthorizationPolicy[];
}

function hasTargetRef(spec: AuthorizationPolicySpec): boolean {
  return spec.targetRef !== undefined || (spec.targetRefs?.length ?? 0) > 0;
}

export function policiesByAction(
  push: PushContext,
  namespace: string,
  labels: Record<string, string>,
): PoliciesByAction {
  return groupByAction(push.authorizationPoliciesFor(namespace, labels));
}

/** Policies (as the push context selects them for a workload) grouped by action, in order. */
export function groupByAction(policies: readonly AuthorizationPolicy[]): PoliciesByAction {
  const out: PoliciesByAction = { allow: [], deny: [], audit: [], unsupported: [] };
  for (const p of policies) {
    if (hasTargetRef(p.spec)) continue;
    switch (p.spec.action ?? 'ALLOW') {
      case 'ALLOW':
        out.allow.push(p);
        break;
      case 'DENY':
        out.deny.push(p);
        break;
      case 'AUDIT':
        out.audit.push(p);
        break;
      default:
        out.unsupported.push(p);
    }
  }
  return out;
}

export function policiesForProxy(proxy: Proxy, push: PushContext): PoliciesByAction {
  return policiesByAction(push, proxy.namespace, proxy.labels);
}

/** The `istio.io/dry-run` annotation (Go boolean syntax): evaluate into shadow rules only. */
export function isDryRun(p: AuthorizationPolicy): boolean {
  const v = p.metadata.annotations?.['istio.io/dry-run'] ?? '';
  return ['1', 't', 'true'].includes(v.toLowerCase());
}
