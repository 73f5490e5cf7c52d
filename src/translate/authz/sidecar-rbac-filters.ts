// The RBAC filters istiod puts on a sidecar's inbound chains (and gateways'): one filter per
// action present, in the order AUDIT (action LOG), DENY, ALLOW; HTTP chains get the HTTP RBAC
// filter, TCP chains the network RBAC filter (stat prefix `tcp.`), where HTTP-only conditions
// cannot be checked. Dry-run policies only fill shadow rules with istiod's stat prefixes.
import { RBAC_Action, type RBAC } from '../../gen/envoy/config/rbac/v3/rbac_pb.js';
import { RBACSchema as HttpRbacSchema } from '../../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js';
import { RBACSchema as NetworkRbacSchema } from '../../gen/envoy/extensions/filters/network/rbac/v3/rbac_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { typedFilter, type TypedFilter } from '../listener/typed-config.js';
import { memo, objectId } from '../cache/push-memo.js';
import {
  groupByAction,
  policiesForProxy,
  type AuthorizationPolicy,
  type PoliciesByAction,
} from './applicable-policies.js';
import { buildRbac, type BuiltRbac } from './build-rbac.js';
import { envoyPolicyName } from './policy-name.js';

export const HTTP_RBAC_FILTER = 'envoy.filters.http.rbac';
export const NETWORK_RBAC_FILTER = 'envoy.filters.network.rbac';
export const TCP_RBAC_STAT_PREFIX = 'tcp.';

function shadowStatPrefix(shadow: RBAC | undefined): string {
  if (shadow?.action === RBAC_Action.ALLOW) return 'istio_dry_run_allow_';
  if (shadow?.action === RBAC_Action.DENY) return 'istio_dry_run_deny_';
  return '';
}

export interface SidecarAuthzFilters {
  /** HTTP filters for HttpConnectionManager chains, before every other filter but metadata exchange. */
  http: TypedFilter[];
  /** Network filters placed before tcp_proxy on TCP chains. */
  network: TypedFilter[];
  /** CUSTOM policies that apply but are not enforced (for logs / diagnostics). */
  unsupported: AuthorizationPolicy[];
}

function builtPerAction(
  byAction: PoliciesByAction,
  push: PushContext,
  forTcp: boolean,
): BuiltRbac[] {
  const sets: [AuthorizationPolicy[], RBAC_Action][] = [
    [byAction.audit, RBAC_Action.LOG],
    [byAction.deny, RBAC_Action.DENY],
    [byAction.allow, RBAC_Action.ALLOW],
  ];
  const out: BuiltRbac[] = [];
  for (const [policies, action] of sets) {
    const built = buildRbac(policies, {
      action,
      forTcp,
      trustDomain: push.mesh.trustDomain,
      policyName: envoyPolicyName,
    });
    if (built) out.push(built);
  }
  return out;
}

/** Empty lists when no ALLOW / DENY / AUDIT policy selects the workload. */
export function sidecarAuthzFilters(proxy: Proxy, push: PushContext): SidecarAuthzFilters {
  return authzFiltersFor(policiesForProxy(proxy, push), push);
}

/**
 * The filters for a set of applicable policies. They depend on nothing else but the mesh trust
 * domain, so workloads selected by the same policies can share them.
 */
export function authzFiltersFor(
  byAction: PoliciesByAction,
  push: PushContext,
): SidecarAuthzFilters {
  const http = builtPerAction(byAction, push, false).map((b) =>
    typedFilter(HTTP_RBAC_FILTER, HttpRbacSchema, {
      rules: b.rules,
      shadowRules: b.shadowRules,
      shadowRulesStatPrefix: shadowStatPrefix(b.shadowRules),
    }),
  );
  const network = builtPerAction(byAction, push, true).map((b) =>
    typedFilter(NETWORK_RBAC_FILTER, NetworkRbacSchema, {
      rules: b.rules,
      statPrefix: TCP_RBAC_STAT_PREFIX,
      shadowRules: b.shadowRules,
      shadowRulesStatPrefix: shadowStatPrefix(b.shadowRules),
    }),
  );
  return { http, network, unsupported: byAction.unsupported };
}

/**
 * authzFiltersFor the policies the push context selected for a workload, shared per push by
 * every workload with the same selection (the filters read nothing else of the workload).
 */
export function sharedAuthzFilters(
  policies: readonly AuthorizationPolicy[],
  push: PushContext,
): SidecarAuthzFilters {
  return memo(push, `authz|${policies.map(objectId).join(',')}`, () =>
    authzFiltersFor(groupByAction(policies), push),
  );
}
