// AuthorizationPolicy on an Envoy sidecar: which RBAC filters the inbound chains get, in which
// order, and how istiod's special cases (no rules, empty rule, dry-run, targetRef, CUSTOM) come out.
import { RBACSchema as HttpRbacSchema } from '../../../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js';
import { HttpConnectionManagerSchema } from '../../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { registry } from '../../../proto/registry.js';
import { toEnvoyJson } from '../../../proto/envoy-json.js';
import { translateProxy } from '../../translate-proxy.js';
import { pgvProblems } from '../../__tests__/resource-checks.js';
import { sidecarAuthzFilters } from '../sidecar-rbac-filters.js';
import type { TypedFilter } from '../../listener/typed-config.js';
import { appYaml, policyYaml, proxyOf, world, type App } from './authz-world.js';

const REVIEWS: App = { name: 'reviews', ip: '10.244.1.31', port: 9080 };

function rbacJson(f: TypedFilter): Record<string, unknown> {
  const msg = anyUnpack(f.configType.value, HttpRbacSchema);
  if (!msg) throw new Error('not an HTTP RBAC filter');
  return toEnvoyJson(HttpRbacSchema, msg) as Record<string, unknown>;
}

describe('sidecarAuthzFilters', () => {
  it('builds nothing when no policy selects the workload', () => {
    const push = world(
      appYaml(REVIEWS),
      policyYaml('other', { action: 'DENY', rules: [{}] }, 'ratings'),
    );
    const f = sidecarAuthzFilters(proxyOf(push, REVIEWS), push);
    expect(f.http).toEqual([]);
    expect(f.network).toEqual([]);
  });

  it('emits AUDIT (LOG), DENY, ALLOW filters in that order, one per action', () => {
    const push = world(
      appYaml(REVIEWS),
      policyYaml('a-allow', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }, 'reviews'),
      policyYaml('b-deny', { action: 'DENY', rules: [{}] }, 'reviews'),
      policyYaml('c-audit', { action: 'AUDIT', rules: [{}] }),
    );
    const f = sidecarAuthzFilters(proxyOf(push, REVIEWS), push);
    expect(f.http.map((x) => x.name)).toEqual([
      'envoy.filters.http.rbac',
      'envoy.filters.http.rbac',
      'envoy.filters.http.rbac',
    ]);
    const [audit, deny, allow] = f.http.map(rbacJson);
    expect(audit.rules).toMatchObject({ action: 'LOG' });
    expect(Object.keys((audit.rules as { policies: object }).policies)).toEqual([
      'ns[default]-policy[c-audit]-rule[0]',
    ]);
    expect(deny.rules).toMatchObject({ action: 'DENY' });
    // ALLOW is the proto default, so the JSON leaves the action out.
    expect(allow.rules).not.toHaveProperty('action');
    expect(Object.keys((allow.rules as { policies: object }).policies)).toEqual([
      'ns[default]-policy[a-allow]-rule[0]',
    ]);
  });

  it('makes an ALLOW policy without rules a never-matching policy (deny all)', () => {
    const push = world(appYaml(REVIEWS), policyYaml('allow-nothing', {}, 'reviews'));
    const [allow] = sidecarAuthzFilters(proxyOf(push, REVIEWS), push).http.map(rbacJson);
    expect(allow).toEqual({
      rules: {
        policies: {
          'ns[default]-policy[allow-nothing]-rule[0]': {
            permissions: [{ not_rule: { any: true } }],
            principals: [{ not_id: { any: true } }],
          },
        },
      },
    });
  });

  it('puts dry-run policies in shadow rules with istiod stat prefixes', () => {
    const push = world(
      appYaml(REVIEWS),
      `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: dry, namespace: default, annotations: {istio.io/dry-run: "true"}}
spec: {action: DENY, rules: [{}]}
`,
    );
    const [deny] = sidecarAuthzFilters(proxyOf(push, REVIEWS), push).http.map(rbacJson);
    expect(deny.rules).toBeUndefined();
    expect(deny.shadow_rules).toMatchObject({ action: 'DENY' });
    expect(deny.shadow_rules_stat_prefix).toBe('istio_dry_run_deny_');
  });

  it('ignores targetRef policies and reports CUSTOM ones as unsupported', () => {
    const push = world(
      appYaml(REVIEWS),
      policyYaml('gw', {
        targetRefs: [{ kind: 'Gateway', name: 'gw' }],
        action: 'DENY',
        rules: [{}],
      }),
      policyYaml('ext', { action: 'CUSTOM', provider: { name: 'ext' }, rules: [{}] }, 'reviews'),
    );
    const f = sidecarAuthzFilters(proxyOf(push, REVIEWS), push);
    expect(f.http).toEqual([]);
    expect(f.unsupported.map((p) => p.metadata.name)).toEqual(['ext']);
  });
});

describe('RBAC in the sidecar inbound listener', () => {
  const push = world(
    appYaml(REVIEWS),
    policyYaml(
      'deny-bob',
      {
        action: 'DENY',
        rules: [{ when: [{ key: 'request.headers[end-user]', values: ['bob'] }] }],
      },
      'reviews',
    ),
  );
  const res = translateProxy(proxyOf(push, REVIEWS), push);
  const inbound = res.listeners.find((l) => l.name === 'virtualInbound');

  it('puts RBAC first in every inbound HCM, before fault, cors and router', () => {
    const hcms = (inbound?.filterChains ?? [])
      .flatMap((c) => c.filters)
      .filter((f) => f.name === 'envoy.filters.network.http_connection_manager')
      .map((f) => {
        if (f.configType.case !== 'typedConfig') throw new Error('no typed config');
        const hcm = anyUnpack(f.configType.value, registry);
        if (!hcm || hcm.$typeName !== HttpConnectionManagerSchema.typeName)
          throw new Error('not an HCM');
        return toEnvoyJson(HttpConnectionManagerSchema, hcm as never) as {
          http_filters: { name: string }[];
        };
      });
    expect(hcms.length).toBeGreaterThan(0);
    for (const hcm of hcms) {
      const names = hcm.http_filters.map((h) => h.name);
      // grpc_stats only on the grpc port's chains, never on the catch-all ones.
      expect(names.filter((n) => n !== 'envoy.filters.http.grpc_stats')).toEqual([
        'envoy.filters.http.rbac',
        'envoy.filters.http.fault',
        'envoy.filters.http.cors',
        'envoy.filters.http.router',
      ]);
      expect(names[0]).toBe('envoy.filters.http.rbac');
    }
  });

  it('puts network RBAC before tcp_proxy on TCP chains but not on the blackhole chain', () => {
    const chains = inbound?.filterChains ?? [];
    const tcp = chains.filter((c) => c.name === 'virtualInbound');
    expect(tcp.length).toBeGreaterThan(0);
    for (const c of tcp) {
      expect(c.filters.map((f) => f.name)).toEqual([
        'envoy.filters.network.rbac',
        'envoy.filters.network.tcp_proxy',
      ]);
    }
    const blackhole = chains.find((c) => c.name === 'virtualInbound-blackhole');
    expect(blackhole?.filters.map((f) => f.name)).toEqual(['envoy.filters.network.tcp_proxy']);
  });

  it('passes PGV validation', () => {
    expect(pgvProblems(res)).toEqual([]);
  });
});
