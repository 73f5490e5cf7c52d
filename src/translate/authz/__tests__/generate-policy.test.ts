// One rule → one RBAC Policy, feature by feature, against istiod's authz model output.
import { PolicySchema, RBAC_Action } from '../../../gen/envoy/config/rbac/v3/rbac_pb.js';
import type { AuthorizationRule } from '../../../model/istio-types.js';
import { toEnvoyJson } from '../../../proto/envoy-json.js';
import { AuthzRuleError } from '../authz-rule-error.js';
import { generatePolicy } from '../generate-policy.js';
import { ruleConditions } from '../rule-conditions.js';

function policy(rule: AuthorizationRule, action = RBAC_Action.ALLOW, forTcp = false): unknown {
  return toEnvoyJson(
    PolicySchema,
    generatePolicy(ruleConditions(rule), action, { forTcp, policyNamespace: 'foo' }),
  );
}

const ANY_PERMISSION = [{ and_rules: { rules: [{ any: true }] } }];
const ANY_PRINCIPAL = [{ and_ids: { ids: [{ any: true }] } }];
const authn = (m: unknown) => ({ authenticated: { principal_name: m } });

describe('generatePolicy (one AuthorizationPolicy rule)', () => {
  it('turns an empty rule into any permission and any principal', () => {
    expect(policy({})).toEqual({ permissions: ANY_PERMISSION, principals: ANY_PRINCIPAL });
  });

  it('matches source principals as spiffe:// URIs, OR-ing values and NOT-ing notValues', () => {
    const p = policy({
      from: [
        { source: { principals: ['cluster.local/ns/a/sa/x', '*'], notPrincipals: ['*/sa/y'] } },
      ],
    });
    expect(p).toEqual({
      permissions: ANY_PERMISSION,
      principals: [
        {
          and_ids: {
            ids: [
              {
                or_ids: {
                  ids: [
                    authn({ exact: 'spiffe://cluster.local/ns/a/sa/x' }),
                    authn({ safe_regex: { regex: '.+' } }),
                  ],
                },
              },
              {
                not_id: { or_ids: { ids: [authn({ safe_regex: { regex: 'spiffe://.*/sa/y' } })] } },
              },
            ],
          },
        },
      ],
    });
  });

  it('matches namespaces and service accounts by regex over the peer identity', () => {
    const p = policy({
      from: [{ source: { namespaces: ['ns-*'], serviceAccounts: ['my-ns/my-sa', 'sa-only'] } }],
    }) as { principals: { and_ids: { ids: unknown[] } }[] };
    // serviceAccounts come before namespaces, as istiod orders them.
    expect(p.principals[0].and_ids.ids).toEqual([
      {
        or_ids: {
          ids: [
            authn({ safe_regex: { regex: 'spiffe://.+/ns/my-ns/(.+/|)sa/my-sa(/.+)?' } }),
            authn({ safe_regex: { regex: 'spiffe://.+/ns/foo/(.+/|)sa/sa-only(/.+)?' } }),
          ],
        },
      },
      { or_ids: { ids: [authn({ safe_regex: { regex: '.*/ns/ns-.*/.*' } })] } },
    ]);
  });

  it('uses direct_remote_ip for ipBlocks and remote_ip for remoteIpBlocks', () => {
    const p = policy({
      from: [{ source: { ipBlocks: ['1.2.3.4'], remoteIpBlocks: ['5.6.0.0/16'] } }],
    }) as { principals: { and_ids: { ids: unknown[] } }[] };
    expect(p.principals[0].and_ids.ids).toEqual([
      { or_ids: { ids: [{ remote_ip: { address_prefix: '5.6.0.0', prefix_len: 16 } }] } },
      { or_ids: { ids: [{ direct_remote_ip: { address_prefix: '1.2.3.4', prefix_len: 32 } }] } },
    ]);
  });

  it('orders operation conditions hosts, methods, paths, ports', () => {
    const p = policy({
      to: [
        {
          operation: {
            ports: ['8080'],
            paths: ['/api/*'],
            methods: ['GET'],
            hosts: ['*.example.com'],
            notPaths: ['/api/admin'],
          },
        },
      ],
    }) as { permissions: { and_rules: { rules: unknown[] } }[] };
    expect(p.permissions[0].and_rules.rules).toEqual([
      {
        or_rules: {
          rules: [
            {
              header: {
                name: ':authority',
                string_match: { suffix: '.example.com', ignore_case: true },
              },
            },
          ],
        },
      },
      { or_rules: { rules: [{ header: { name: ':method', string_match: { exact: 'GET' } } }] } },
      { or_rules: { rules: [{ url_path: { path: { prefix: '/api/' } } }] } },
      { not_rule: { or_rules: { rules: [{ url_path: { path: { exact: '/api/admin' } } }] } } },
      { or_rules: { rules: [{ destination_port: 8080 }] } },
    ]);
  });

  it('appends when conditions to every from/to entry on their side', () => {
    const p = policy({
      from: [{ source: { namespaces: ['a'] } }, { source: { namespaces: ['b'] } }],
      when: [
        { key: 'request.headers[end-user]', values: ['bob'] },
        { key: 'destination.port', notValues: ['15000'] },
        { key: 'connection.sni', values: ['*.local'] },
      ],
    }) as {
      permissions: { and_rules: { rules: unknown[] } }[];
      principals: { and_ids: { ids: unknown[] } }[];
    };
    expect(p.principals).toHaveLength(2);
    for (const pr of p.principals) {
      expect(pr.and_ids.ids[1]).toEqual({
        or_ids: { ids: [{ header: { name: 'end-user', string_match: { exact: 'bob' } } }] },
      });
    }
    expect(p.permissions[0].and_rules.rules).toEqual([
      { not_rule: { or_rules: { rules: [{ destination_port: 15000 }] } } },
      { or_rules: { rules: [{ requested_server_name: { suffix: '.local' } }] } },
    ]);
  });

  it('matches requestPrincipals as iss/sub in jwt_authn metadata, split at the last slash', () => {
    const p = policy({
      from: [{ source: { requestPrincipals: ['https://issuer.example.com/alice'] } }],
    }) as { principals: { and_ids: { ids: unknown[] } }[] };
    const claim = (key: string, value: string) => ({
      metadata: {
        filter: 'envoy.filters.http.jwt_authn',
        path: [{ key: 'payload' }, { key }],
        value: { string_match: { exact: value } },
      },
    });
    expect(p.principals[0].and_ids.ids).toEqual([
      { and_ids: { ids: [claim('iss', 'https://issuer.example.com'), claim('sub', 'alice')] } },
    ]);
  });

  it('matches claims as "list contains OR equals" under payload', () => {
    const p = policy({ when: [{ key: 'request.auth.claims[groups]', values: ['admins'] }] }) as {
      principals: { and_ids: { ids: unknown[] } }[];
    };
    const value = { string_match: { exact: 'admins' } };
    expect(p.principals[0].and_ids.ids).toEqual([
      {
        metadata: {
          filter: 'envoy.filters.http.jwt_authn',
          path: [{ key: 'payload' }, { key: 'groups' }],
          value: { or_match: { value_matchers: [{ list_match: { one_of: value } }, value] } },
        },
      },
    ]);
  });

  it('fails an ALLOW rule with HTTP-only fields on TCP, but only drops those values for DENY', () => {
    const rule: AuthorizationRule = {
      to: [{ operation: { methods: ['GET'], ports: ['80'] } }],
    };
    expect(() => policy(rule, RBAC_Action.ALLOW, true)).toThrow(AuthzRuleError);
    expect(policy(rule, RBAC_Action.DENY, true)).toEqual({
      permissions: [
        { and_rules: { rules: [{ or_rules: { rules: [{ destination_port: 80 }] } }] } },
      ],
      principals: ANY_PRINCIPAL,
    });
  });

  it('rejects unknown when keys and bad values', () => {
    expect(() => ruleConditions({ when: [{ key: 'source.unknown', values: ['x'] }] })).toThrow(
      AuthzRuleError,
    );
    expect(() => policy({ when: [{ key: 'destination.port', values: ['http'] }] })).toThrow(
      AuthzRuleError,
    );
  });
});
