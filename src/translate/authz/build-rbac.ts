// The RBAC rule sets of one action for one workload (istiod's authz builder): every rule of
// every policy becomes one named Policy; a policy without rules becomes a policy that never
// matches (so an ALLOW policy with no rules still creates the ALLOW filter, which then allows
// nothing); an empty rule `{}` matches everything. Dry-run policies go to shadow rules, which
// Envoy evaluates for stats and logs but never enforces.
import { create } from '@bufbuild/protobuf';
import {
  RBACSchema,
  type Policy,
  type RBAC,
  type RBAC_Action,
} from '../../gen/envoy/config/rbac/v3/rbac_pb.js';
import { AuthzRuleError } from './authz-rule-error.js';
import { isDryRun, type AuthorizationPolicy } from './applicable-policies.js';
import { generatePolicy, matchNeverPolicy } from './generate-policy.js';
import { ruleConditions } from './rule-conditions.js';
import { migrateTrustDomain } from './trust-domain.js';

export interface BuildRbacOptions {
  action: RBAC_Action;
  /** Network filter: HTTP-only conditions fail (see generate-policy.ts). */
  forTcp: boolean;
  /** Mesh trust domain, for the `cluster.local` principal rewrite. */
  trustDomain?: string;
  policyName: (p: AuthorizationPolicy, rule: number) => string;
  /** Skip istiod's never-matching policy for rule-less policies. */
  omitRulelessPolicies?: boolean;
}

export interface BuiltRbac {
  /** Enforced rules; undefined when every policy is dry-run. */
  rules?: RBAC;
  /** Dry-run rules; undefined when no policy is dry-run. */
  shadowRules?: RBAC;
}

function rulePolicy(
  p: AuthorizationPolicy,
  index: number,
  opts: BuildRbacOptions,
): Policy | undefined {
  const rule = p.spec.rules?.[index];
  if (!rule) return undefined;
  try {
    const model = ruleConditions(rule);
    if (opts.trustDomain !== undefined) {
      model.principals = migrateTrustDomain(model.principals, opts.trustDomain);
    }
    return generatePolicy(model, opts.action, {
      forTcp: opts.forTcp,
      policyNamespace: p.metadata.namespace,
    });
  } catch (err) {
    // istiod logs and skips the rule; any other error is a bug and must surface.
    if (err instanceof AuthzRuleError) return undefined;
    throw err;
  }
}

/** Undefined when `policies` is empty (no filter for this action). */
export function buildRbac(
  policies: readonly AuthorizationPolicy[],
  opts: BuildRbacOptions,
): BuiltRbac | undefined {
  if (policies.length === 0) return undefined;
  const enforced = create(RBACSchema, { action: opts.action });
  const shadow = create(RBACSchema, { action: opts.action });
  let hasEnforced = false;
  let hasShadow = false;
  for (const p of policies) {
    const target = isDryRun(p) ? shadow : enforced;
    if (target === shadow) hasShadow = true;
    else hasEnforced = true;
    const rules = p.spec.rules ?? [];
    rules.forEach((_, i) => {
      const policy = rulePolicy(p, i, opts);
      if (policy) target.policies[opts.policyName(p, i)] = policy;
    });
    if (rules.length === 0 && !opts.omitRulelessPolicies) {
      target.policies[opts.policyName(p, 0)] = matchNeverPolicy();
    }
  }
  return {
    rules: hasEnforced ? enforced : undefined,
    shadowRules: hasShadow ? shadow : undefined,
  };
}
