// One AuthorizationPolicy rule as the condition lists of one RBAC Policy (istiod's authz
// model): every `to` entry is one permission, every `from` entry one principal, each an AND of
// its conditions; `when` conditions are appended to all of them on their side (destination
// keys to permissions, source keys to principals). A missing `from`/`to` is one empty entry,
// which later matches anything. Condition order follows istiod so output compares 1:1:
// principal: principals, requestPrincipals, serviceAccounts, trustDomains, namespaces,
// remoteIpBlocks, ipBlocks, then `when`; permission: hosts, methods, paths, ports, then `when`.
import type { AuthorizationRule } from '../../model/istio-types.js';
import { AuthzRuleError } from './authz-rule-error.js';
import type {
  Condition,
  ConditionGenerator,
  PermissionGenerator,
  PrincipalGenerator,
  PrincipalListGenerator,
} from './generator-types.js';
import * as perm from './permission-generators.js';
import * as prin from './principal-generators.js';

export interface RuleConditions {
  /** OR-ed permissions, each an AND of conditions. */
  permissions: Condition[][];
  /** OR-ed principals, each an AND of conditions. */
  principals: Condition[][];
}

const P = (one: PermissionGenerator): ConditionGenerator => ({ side: 'permission', one });
const S = (one: PrincipalGenerator): ConditionGenerator => ({ side: 'principal', one });
const L = (list: PrincipalListGenerator): ConditionGenerator => ({ side: 'principal', list });

/** `when` keys istiod understands, by exact name. */
const WHEN_KEYS: Record<string, ConditionGenerator> = {
  'destination.ip': P(perm.destinationIp),
  'destination.port': P(perm.destinationPort),
  'connection.sni': P(perm.serverName),
  'source.ip': S(prin.sourceIp),
  'remote.ip': S(prin.remoteIp),
  'source.namespace': S(prin.sourceNamespace),
  'source.trustDomain': S(prin.sourceTrustDomain),
  'source.serviceAccount': S(prin.sourceServiceAccount),
  'source.principal': S(prin.sourcePrincipal),
  'request.auth.principal': L(prin.requestPrincipals),
  'request.auth.audiences': L(prin.requestAudiences),
  'request.auth.presenter': L(prin.requestPresenter),
};

function whenGenerator(key: string): ConditionGenerator {
  const exact = WHEN_KEYS[key];
  if (exact) return exact;
  if (key.startsWith(prin.REQUEST_HEADER_KEY)) return S(prin.requestHeader);
  if (key.startsWith(prin.REQUEST_CLAIMS_KEY)) return L(prin.requestClaims);
  // `experimental.envoy.filters.*` (raw Envoy metadata) is not supported here.
  throw new AuthzRuleError(`unknown attribute ${key}`);
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** Adds a condition unless it has neither values nor notValues (an unset field). */
function push(
  out: Condition[],
  key: string,
  gen: ConditionGenerator,
  values: unknown,
  notValues: unknown,
): void {
  const c = { key, gen, values: list(values), notValues: list(notValues) };
  if (c.values.length > 0 || c.notValues.length > 0) out.push(c);
}

/** Throws AuthzRuleError for an unknown `when` key (istiod skips the whole rule then). */
export function ruleConditions(rule: AuthorizationRule): RuleConditions {
  const basePermission: Condition[] = [];
  const basePrincipal: Condition[] = [];
  for (const w of rule.when ?? []) {
    const gen = whenGenerator(w.key);
    push(
      gen.side === 'permission' ? basePermission : basePrincipal,
      w.key,
      gen,
      w.values,
      w.notValues,
    );
  }

  const principals = (rule.from ?? []).map(({ source: s }) => {
    const own: Condition[] = [];
    if (s) {
      push(own, 'source.principal', S(prin.sourcePrincipal), s.principals, s.notPrincipals);
      push(
        own,
        'request.auth.principal',
        L(prin.requestPrincipals),
        s.requestPrincipals,
        s.notRequestPrincipals,
      );
      push(
        own,
        'source.serviceAccount',
        S(prin.sourceServiceAccount),
        s.serviceAccounts,
        s.notServiceAccounts,
      );
      push(own, 'source.trustDomain', S(prin.sourceTrustDomain), s.trustDomains, s.notTrustDomains);
      push(own, 'source.namespace', S(prin.sourceNamespace), s.namespaces, s.notNamespaces);
      push(own, 'remote.ip', S(prin.remoteIp), s.remoteIpBlocks, s.notRemoteIpBlocks);
      push(own, 'source.ip', S(prin.sourceIp), s.ipBlocks, s.notIpBlocks);
    }
    return [...own, ...basePrincipal];
  });

  const permissions = (rule.to ?? []).map(({ operation: o }) => {
    const own: Condition[] = [];
    if (o) {
      push(own, ':authority', P(perm.host), o.hosts, o.notHosts);
      push(own, ':method', P(perm.method), o.methods, o.notMethods);
      push(own, 'path-matcher', P(perm.path), o.paths, o.notPaths);
      push(own, 'destination.port', P(perm.destinationPort), o.ports, o.notPorts);
    }
    return [...own, ...basePermission];
  });

  return {
    permissions: permissions.length > 0 ? permissions : [basePermission],
    principals: principals.length > 0 ? principals : [basePrincipal],
  };
}
