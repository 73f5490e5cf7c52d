// RBAC policy names. Envoy sidecars get istiod's `ns[<ns>]-policy[<name>]-rule[<i>]` (the name
// also shows up in RBAC stats and access logs); proxyless gRPC gets grpcgen's shorter
// `<ns>-<name>-<i>`.
import type { AuthorizationPolicy } from './applicable-policies.js';

export function envoyPolicyName(p: AuthorizationPolicy, rule: number): string {
  return `ns[${p.metadata.namespace}]-policy[${p.metadata.name}]-rule[${rule}]`;
}

export function grpcPolicyName(p: AuthorizationPolicy, rule: number): string {
  return `${p.metadata.namespace}-${p.metadata.name}-${rule}`;
}
