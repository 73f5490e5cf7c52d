// RBAC for proxyless gRPC servers (istiod's grpcgen): gRPC implements only ALLOW and DENY (a
// LOG action is NACKed), so AUDIT and dry-run policies are ignored; DENY comes first as its own
// filter named `envoy.filters.http.rbac.DENY`, then ALLOW as `envoy.filters.http.rbac`, each
// only when it has at least one policy. Peer identity is matched as `authenticated`, which gRPC
// checks against the client certificate's URI SAN.
// One deliberate difference from grpcgen: an ALLOW policy without rules yields a never-matching
// policy (deny all, the documented AuthorizationPolicy semantics) instead of being dropped,
// which in istiod silently turns "allow nothing" into "allow everything" on gRPC servers.
import { RBAC_Action } from '../../gen/envoy/config/rbac/v3/rbac_pb.js';
import { RBACSchema as HttpRbacSchema } from '../../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { typedFilter, type TypedFilter } from '../listener/typed-config.js';
import { isDryRun, policiesForProxy, type AuthorizationPolicy } from './applicable-policies.js';
import { buildRbac } from './build-rbac.js';
import { grpcPolicyName } from './policy-name.js';

export const GRPC_RBAC_FILTER = 'envoy.filters.http.rbac';
export const GRPC_RBAC_DENY_FILTER = 'envoy.filters.http.rbac.DENY';

function filterFor(
  name: string,
  policies: AuthorizationPolicy[],
  action: RBAC_Action,
): TypedFilter | undefined {
  const built = buildRbac(policies, {
    action,
    forTcp: false,
    policyName: grpcPolicyName,
    // DENY without rules denies nothing; only ALLOW needs the never-matching policy.
    omitRulelessPolicies: action === RBAC_Action.DENY,
  });
  const rules = built?.rules;
  if (!rules || Object.keys(rules.policies).length === 0) return undefined;
  return typedFilter(name, HttpRbacSchema, { rules });
}

/** RBAC filters for a gRPC server's inbound HCM, to be followed by the router. */
export function grpcAuthzFilters(proxy: Proxy, push: PushContext): TypedFilter[] {
  const byAction = policiesForProxy(proxy, push);
  const enforced = (ps: AuthorizationPolicy[]) => ps.filter((p) => !isDryRun(p));
  return [
    filterFor(GRPC_RBAC_DENY_FILTER, enforced(byAction.deny), RBAC_Action.DENY),
    filterFor(GRPC_RBAC_FILTER, enforced(byAction.allow), RBAC_Action.ALLOW),
  ].filter((f): f is TypedFilter => f !== undefined);
}
