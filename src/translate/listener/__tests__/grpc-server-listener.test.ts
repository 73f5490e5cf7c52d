// Proxyless gRPC server listeners (A36) as istiod's grpcgen builds them.
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { ListenerSchema } from '../../../gen/envoy/config/listener/v3/listener_pb.js';
import { toEnvoyJson } from '../../../proto/envoy-json.js';
import { registry } from '../../../proto/registry.js';
import { pgvProblems } from '../../__tests__/resource-checks.js';
import { translateProxy } from '../../translate-proxy.js';
import {
  buildGrpcServerListeners,
  grpcInboundName,
  parseGrpcInboundName,
} from '../grpc-server-listener.js';
import {
  appYaml,
  policyYaml,
  proxyOf,
  world,
  type App,
} from '../../authz/__tests__/authz-world.js';

const GREETER: App = { name: 'greeter', ip: '10.244.5.21', port: 3000 };
const GRPC = { GENERATOR: 'grpc' };
const NAME = 'xds.istio.io/grpc/lds/inbound/10.244.5.21:3000';

const strict = `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: default}
spec: {mtls: {mode: STRICT}}
`;

interface ListenerJson {
  name: string;
  address: unknown;
  filter_chains: {
    name: string;
    filters: { name: string; typed_config: Record<string, unknown> }[];
    transport_socket?: { typed_config: Record<string, unknown> };
  }[];
}

function listenerJson(l: Parameters<typeof toEnvoyJson<typeof ListenerSchema>>[1]): ListenerJson {
  return toEnvoyJson(ListenerSchema, l) as unknown as ListenerJson;
}

function filterNames(l: ListenerJson): string[] {
  const hcm = l.filter_chains[0].filters[0].typed_config as { http_filters: { name: string }[] };
  return hcm.http_filters.map((f) => f.name);
}

describe('inbound listener names', () => {
  it('parses IPv4 and bracketed IPv6 names and rejects others', () => {
    expect(parseGrpcInboundName(NAME)).toEqual({ ip: '10.244.5.21', port: 3000 });
    expect(parseGrpcInboundName('xds.istio.io/grpc/lds/inbound/[::1]:50051')).toEqual({
      ip: '::1',
      port: 50051,
    });
    expect(parseGrpcInboundName('greeter:3000')).toBeUndefined();
    expect(parseGrpcInboundName('xds.istio.io/grpc/lds/inbound/10.0.0.1')).toBeUndefined();
    expect(grpcInboundName('::1', 80)).toBe('xds.istio.io/grpc/lds/inbound/[::1]:80');
  });
});

describe('buildGrpcServerListeners', () => {
  it('builds a plaintext listener on the requested address with a non-forwarding route', () => {
    const push = world(appYaml(GREETER));
    const [l] = buildGrpcServerListeners(proxyOf(push, GREETER, GRPC), push, [NAME]).map(
      listenerJson,
    );
    expect(l.name).toBe(NAME);
    expect(l.address).toEqual({ socket_address: { address: '10.244.5.21', port_value: 3000 } });
    expect(l.filter_chains).toHaveLength(1);
    const chain = l.filter_chains[0];
    expect(chain.name).toBe('inbound-plaintext');
    expect(chain.transport_socket).toBeUndefined();
    expect(chain.filters).toHaveLength(1);
    expect(chain.filters[0].name).toBe('inbound-hcmplaintext');
    expect(chain.filters[0].typed_config.route_config).toEqual({
      name: 'inbound',
      virtual_hosts: [
        {
          name: 'inbound',
          domains: ['*'],
          routes: [{ match: { prefix: '/' }, non_forwarding_action: {} }],
        },
      ],
    });
    expect(filterNames(l)).toEqual(['envoy.filters.http.router']);
  });

  it('skips ports no service targets and names that are not inbound names', () => {
    const push = world(appYaml(GREETER));
    const proxy = proxyOf(push, GREETER, GRPC);
    const names = ['xds.istio.io/grpc/lds/inbound/10.244.5.21:4000', 'greeter:3000'];
    expect(buildGrpcServerListeners(proxy, push, names)).toEqual([]);
  });

  it('uses mTLS with the certificate provider instance under STRICT', () => {
    const push = world(appYaml(GREETER), strict);
    const [l] = buildGrpcServerListeners(proxyOf(push, GREETER, GRPC), push, [NAME]).map(
      listenerJson,
    );
    expect(l.filter_chains[0].name).toBe('inbound-mtls');
    expect(l.filter_chains[0].transport_socket?.typed_config).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
      common_tls_context: {
        tls_certificate_provider_instance: {
          instance_name: 'default',
          certificate_name: 'default',
        },
        validation_context: {
          ca_certificate_provider_instance: {
            instance_name: 'default',
            certificate_name: 'ROOTCA',
          },
        },
      },
      require_client_certificate: true,
    });
  });

  it('serves PERMISSIVE as plaintext unless the workload is labelled tlsMode=istio', () => {
    const permissive = strict.replace('STRICT', 'PERMISSIVE');
    const plain = world(appYaml(GREETER), permissive);
    const [p] = buildGrpcServerListeners(proxyOf(plain, GREETER, GRPC), plain, [NAME]);
    expect(p.filterChains[0].name).toBe('inbound-plaintext');
    const labelled = { ...GREETER, labels: { 'security.istio.io/tlsMode': 'istio' } };
    const auto = world(appYaml(labelled), permissive);
    const [m] = buildGrpcServerListeners(proxyOf(auto, labelled, GRPC), auto, [NAME]);
    expect(m.filterChains[0].name).toBe('inbound-mtls');
  });

  it('adds DENY then ALLOW RBAC filters with grpcgen names and ignores AUDIT', () => {
    const push = world(
      appYaml(GREETER),
      policyYaml(
        'allow-path',
        { rules: [{ to: [{ operation: { paths: ['/pkg.Svc/*'] } }] }] },
        'greeter',
      ),
      policyYaml(
        'deny-bob',
        {
          action: 'DENY',
          rules: [{ when: [{ key: 'request.headers[end-user]', values: ['bob'] }] }],
        },
        'greeter',
      ),
      policyYaml('audit', { action: 'AUDIT', rules: [{}] }, 'greeter'),
    );
    const [l] = buildGrpcServerListeners(proxyOf(push, GREETER, GRPC), push, [NAME]).map(
      listenerJson,
    );
    expect(filterNames(l)).toEqual([
      'envoy.filters.http.rbac.DENY',
      'envoy.filters.http.rbac',
      'envoy.filters.http.router',
    ]);
    const hcm = l.filter_chains[0].filters[0].typed_config as {
      http_filters: { typed_config: { rules: { action?: string; policies: object } } }[];
    };
    expect(hcm.http_filters[0].typed_config.rules.action).toBe('DENY');
    expect(Object.keys(hcm.http_filters[0].typed_config.rules.policies)).toEqual([
      'default-deny-bob-0',
    ]);
    expect(Object.keys(hcm.http_filters[1].typed_config.rules.policies)).toEqual([
      'default-allow-path-0',
    ]);
  });

  it('denies everything for an ALLOW policy without rules', () => {
    const push = world(appYaml(GREETER), policyYaml('allow-nothing', {}, 'greeter'));
    const [l] = buildGrpcServerListeners(proxyOf(push, GREETER, GRPC), push, [NAME]).map(
      listenerJson,
    );
    const hcm = l.filter_chains[0].filters[0].typed_config as {
      http_filters: { name: string; typed_config: { rules: { policies: object } } }[];
    };
    expect(hcm.http_filters[0].name).toBe('envoy.filters.http.rbac');
    expect(hcm.http_filters[0].typed_config.rules.policies).toEqual({
      'default-allow-nothing-0': {
        permissions: [{ not_rule: { any: true } }],
        principals: [{ not_id: { any: true } }],
      },
    });
  });
});

describe('translateProxy for a proxyless gRPC server', () => {
  it('emits inbound listeners for every INSTANCE_IP × workload port when no names are given', () => {
    const push = world(appYaml(GREETER), appYaml({ name: 'other', ip: '10.244.5.30', port: 4000 }));
    const proxy = proxyOf(push, GREETER, { ...GRPC, INSTANCE_IPS: '10.244.5.21,fd00::21' });
    const res = translateProxy(proxy, push);
    const names = res.listeners.map((l) => l.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'greeter.default.svc.cluster.local:3000',
        'other.default.svc.cluster.local:4000',
        NAME,
        'xds.istio.io/grpc/lds/inbound/[fd00::21]:3000',
      ]),
    );
    expect(names.filter((n) => n.includes('/inbound/'))).toHaveLength(2);
    expect(pgvProblems(res)).toEqual([]);
    const inbound = res.listeners.find((l) => l.name === NAME);
    const hcmAny = inbound?.filterChains[0].filters[0].configType.value;
    expect(hcmAny && anyUnpack(hcmAny as never, registry)?.$typeName).toBe(
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    );
  });

  it('serves both requested client and server names', () => {
    const push = world(appYaml(GREETER));
    const proxy = proxyOf(push, GREETER, GRPC);
    const res = translateProxy(proxy, push, { listenerNames: ['greeter:3000', NAME] });
    expect(res.listeners.map((l) => l.name)).toEqual(['greeter:3000', NAME]);
  });
});
