// How one rule condition (a key with values / notValues) becomes RBAC nodes. Each generator
// turns ONE value into a node (values are OR-ed, notValues negated by the caller), except the
// request-identity generators, which need the whole list at once (istiod's "extended" ones).
// A generator throws AuthzRuleError when the value cannot be expressed on this filter.
import type { Permission, Principal } from '../../gen/envoy/config/rbac/v3/rbac_pb.js';

export interface GenContext {
  /** Building a network (TCP) RBAC filter: HTTP-only conditions cannot be expressed. */
  forTcp: boolean;
  /** Namespace of the policy (default namespace of `serviceAccounts` values). */
  policyNamespace: string;
}

export type PermissionGenerator = (key: string, value: string, ctx: GenContext) => Permission;
export type PrincipalGenerator = (key: string, value: string, ctx: GenContext) => Principal;
export type PrincipalListGenerator = (
  key: string,
  values: readonly string[],
  ctx: GenContext,
) => Principal | undefined;

export type ConditionGenerator =
  | { side: 'permission'; one: PermissionGenerator }
  | { side: 'principal'; one: PrincipalGenerator }
  | { side: 'principal'; list: PrincipalListGenerator };

/** One key of a rule with its values, in the order istiod emits them. */
export interface Condition {
  key: string;
  values: readonly string[];
  notValues: readonly string[];
  gen: ConditionGenerator;
}
