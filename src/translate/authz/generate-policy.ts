// A rule's conditions → one envoy.config.rbac.v3.Policy. Within a condition the values are
// OR-ed and the notValues become NOT(OR(...)); conditions are AND-ed; an entry without
// conditions is `any`. When a value cannot be expressed (AuthzRuleError), istiod's rule is:
// for ALLOW the whole rule fails (the caller drops it: allowing less is the safe side); for
// DENY and AUDIT only that value is left out (denying more is the safe side).
import { create } from '@bufbuild/protobuf';
import {
  PolicySchema,
  RBAC_Action,
  type Permission,
  type Policy,
  type Principal,
} from '../../gen/envoy/config/rbac/v3/rbac_pb.js';
import { AuthzRuleError } from './authz-rule-error.js';
import type { Condition, GenContext } from './generator-types.js';
import {
  permissionAnd,
  permissionAny,
  permissionNot,
  permissionOr,
  principalAnd,
  principalAny,
  principalNot,
  principalOr,
} from './rbac-nodes.js';
import type { RuleConditions } from './rule-conditions.js';

/** Runs `fn`; a rule error aborts an ALLOW rule but only skips the value otherwise. */
function tolerant<T>(action: RBAC_Action, fn: () => T | undefined): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (action === RBAC_Action.ALLOW || !(err instanceof AuthzRuleError)) throw err;
    return undefined;
  }
}

function defined<T>(xs: (T | undefined)[]): T[] {
  return xs.filter((x): x is T => x !== undefined);
}

function conditionPermissions(c: Condition, action: RBAC_Action, ctx: GenContext): Permission[] {
  const gen = c.gen;
  if (gen.side !== 'permission') throw new AuthzRuleError(`${c.key} is not a permission`);
  const one = (vs: readonly string[]) =>
    defined(vs.map((v) => tolerant(action, () => gen.one(c.key, v, ctx))));
  const out: Permission[] = [];
  const yes = one(c.values);
  if (yes.length > 0) out.push(permissionOr(yes));
  const no = one(c.notValues);
  if (no.length > 0) out.push(permissionNot(permissionOr(no)));
  return out;
}

function conditionPrincipals(c: Condition, action: RBAC_Action, ctx: GenContext): Principal[] {
  const gen = c.gen;
  if (gen.side !== 'principal') throw new AuthzRuleError(`${c.key} is not a principal`);
  const out: Principal[] = [];
  if ('list' in gen) {
    const yes =
      c.values.length > 0 ? tolerant(action, () => gen.list(c.key, c.values, ctx)) : undefined;
    if (yes) out.push(yes);
    const no =
      c.notValues.length > 0
        ? tolerant(action, () => gen.list(c.key, c.notValues, ctx))
        : undefined;
    if (no) out.push(principalNot(no));
    return out;
  }
  const one = (vs: readonly string[]) =>
    defined(vs.map((v) => tolerant(action, () => gen.one(c.key, v, ctx))));
  const yes = one(c.values);
  if (yes.length > 0) out.push(principalOr(yes));
  const no = one(c.notValues);
  if (no.length > 0) out.push(principalNot(principalOr(no)));
  return out;
}

/** Throws AuthzRuleError when the rule cannot be generated (then the rule is dropped). */
export function generatePolicy(
  model: RuleConditions,
  action: RBAC_Action,
  ctx: GenContext,
): Policy {
  const permissions = model.permissions.map((conds) => {
    const and = conds.flatMap((c) => conditionPermissions(c, action, ctx));
    return permissionAnd(and.length > 0 ? and : [permissionAny()]);
  });
  const principals = model.principals.map((conds) => {
    const and = conds.flatMap((c) => conditionPrincipals(c, action, ctx));
    return principalAnd(and.length > 0 ? and : [principalAny()]);
  });
  return create(PolicySchema, { permissions, principals });
}

/** The policy istiod emits for an AuthorizationPolicy without rules: it never matches. */
export function matchNeverPolicy(): Policy {
  return create(PolicySchema, {
    permissions: [permissionNot(permissionAny())],
    principals: [principalNot(principalAny())],
  });
}
