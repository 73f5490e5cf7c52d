// PGV on real Envoy messages shaped like istiod's output: valid resources pass, and each
// broken one is caught at the right path with the right rule (including inside Any payloads).
import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  ClusterSchema,
  Cluster_DiscoveryType,
} from '../../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ApiVersion } from '../../../gen/envoy/config/core/v3/config_source_pb.js';
import { ClusterLoadAssignmentSchema } from '../../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../../gen/envoy/config/route/v3/route_pb.js';
import { HTTPFaultSchema } from '../../../gen/envoy/extensions/filters/http/fault/v3/fault_pb.js';
import { RouterSchema } from '../../../gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { HttpConnectionManagerSchema } from '../../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { FractionalPercent_DenominatorType } from '../../../gen/envoy/type/v3/percent_pb.js';
import { TYPE_URL } from '../../../translate/types.js';
import { packAny } from '../../any.js';
import { validateEnvoyResource, validateMessage } from '../index.js';
import type { PgvViolation } from '../index.js';

const summary = (violations: PgvViolation[]): string[] =>
  violations.map((v) => `${v.path} ${v.rule}`);

const CLUSTER_NAME = 'outbound|9080|v2|reviews.default.svc.cluster.local';

function edsCluster(overrides: { name?: string; connectTimeout?: { seconds: bigint } } = {}) {
  return create(ClusterSchema, {
    name: overrides.name ?? CLUSTER_NAME,
    clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
    connectTimeout: overrides.connectTimeout ?? { seconds: 10n },
    edsClusterConfig: {
      serviceName: CLUSTER_NAME,
      edsConfig: {
        configSourceSpecifier: { case: 'ads', value: {} },
        resourceApiVersion: ApiVersion.V3,
      },
    },
  });
}

function routeConfig() {
  return create(RouteConfigurationSchema, {
    name: '9080',
    validateClusters: false,
    virtualHosts: [
      {
        name: 'reviews.default.svc.cluster.local:9080',
        domains: ['reviews.default.svc.cluster.local', 'reviews', 'reviews:9080'],
        routes: [
          {
            name: 'jason',
            match: {
              pathSpecifier: { case: 'prefix', value: '/' },
              headers: [
                {
                  name: 'end-user',
                  headerMatchSpecifier: {
                    case: 'stringMatch',
                    value: { matchPattern: { case: 'exact', value: 'jason' } },
                  },
                },
              ],
            },
            action: {
              case: 'route',
              value: { clusterSpecifier: { case: 'cluster', value: CLUSTER_NAME } },
            },
          },
          {
            name: 'default',
            match: { pathSpecifier: { case: 'prefix', value: '/' } },
            action: {
              case: 'route',
              value: {
                clusterSpecifier: {
                  case: 'cluster',
                  value: 'outbound|9080|v1|reviews.default.svc.cluster.local',
                },
              },
            },
          },
        ],
      },
    ],
  });
}

function listenerWithFault(fault: MessageInitShape<typeof HTTPFaultSchema>) {
  const hcm = create(HttpConnectionManagerSchema, {
    statPrefix: 'outbound_0.0.0.0_9080',
    routeSpecifier: {
      case: 'rds',
      value: {
        routeConfigName: '9080',
        configSource: {
          configSourceSpecifier: { case: 'ads', value: {} },
          resourceApiVersion: ApiVersion.V3,
        },
      },
    },
    httpFilters: [
      {
        name: 'envoy.filters.http.fault',
        configType: {
          case: 'typedConfig',
          value: packAny(HTTPFaultSchema, create(HTTPFaultSchema, fault)),
        },
      },
      {
        name: 'envoy.filters.http.router',
        configType: { case: 'typedConfig', value: packAny(RouterSchema, create(RouterSchema)) },
      },
    ],
  });
  return create(ListenerSchema, {
    name: '0.0.0.0_9080',
    address: {
      address: {
        case: 'socketAddress',
        value: { address: '0.0.0.0', portSpecifier: { case: 'portValue', value: 9080 } },
      },
    },
    filterChains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            configType: { case: 'typedConfig', value: packAny(HttpConnectionManagerSchema, hcm) },
          },
        ],
      },
    ],
  });
}

const abort = (httpStatus: number, denominator: number) => ({
  abort: {
    errorType: { case: 'httpStatus' as const, value: httpStatus },
    percentage: { numerator: 10, denominator },
  },
});

describe('PGV on Envoy clusters', () => {
  it('accepts an istiod-style EDS cluster', () => {
    expect(validateMessage(ClusterSchema, edsCluster())).toEqual([]);
  });

  it('rejects an empty cluster name (string.min_len)', () => {
    expect(validateMessage(ClusterSchema, edsCluster({ name: '' }))).toEqual([
      { path: 'name', rule: 'string.min_len', message: 'value length must be at least 1 runes' },
    ]);
  });

  it('rejects a zero connect_timeout (duration.gt)', () => {
    const found = validateMessage(ClusterSchema, edsCluster({ connectTimeout: { seconds: 0n } }));
    expect(found).toEqual([
      { path: 'connect_timeout', rule: 'duration.gt', message: 'value must be greater than 0s' },
    ]);
  });

  it('checks the config source oneof inside eds_cluster_config', () => {
    const cluster = edsCluster();
    cluster.edsClusterConfig!.edsConfig!.configSourceSpecifier = { case: undefined };
    expect(summary(validateMessage(ClusterSchema, cluster))).toEqual([
      'eds_cluster_config.eds_config.config_source_specifier oneof.required',
    ]);
  });
});

describe('PGV on Envoy route configurations', () => {
  it('accepts a route configuration like istiod builds for port 9080', () => {
    expect(validateMessage(RouteConfigurationSchema, routeConfig())).toEqual([]);
  });

  it('rejects a virtual host without domains (repeated.min_items)', () => {
    const rc = routeConfig();
    rc.virtualHosts[0]!.domains = [];
    expect(summary(validateMessage(RouteConfigurationSchema, rc))).toEqual([
      'virtual_hosts[0].domains repeated.min_items',
    ]);
  });

  it('rejects a route without an action (oneof validate.required)', () => {
    const rc = routeConfig();
    rc.virtualHosts[0]!.routes[1]!.action = { case: undefined };
    expect(summary(validateMessage(RouteConfigurationSchema, rc))).toEqual([
      'virtual_hosts[0].routes[1].action oneof.required',
    ]);
  });

  it('rejects a route whose cluster name is empty, with the full path', () => {
    const rc = routeConfig();
    const action = rc.virtualHosts[0]!.routes[1]!.action;
    if (action.case !== 'route') throw new Error('expected a route action');
    action.value.clusterSpecifier = { case: 'cluster', value: '' };
    expect(summary(validateMessage(RouteConfigurationSchema, rc))).toEqual([
      'virtual_hosts[0].routes[1].route.cluster string.min_len',
    ]);
  });

  it('rejects a header matcher name with a control character (well_known_regex, strict: false)', () => {
    const rc = routeConfig();
    rc.virtualHosts[0]!.routes[0]!.match!.headers[0]!.name = 'end-user\nx';
    expect(validateMessage(RouteConfigurationSchema, rc)).toEqual([
      {
        path: 'virtual_hosts[0].routes[0].match.headers[0].name',
        rule: 'string.well_known_regex',
        message: expect.stringContaining('does not match regex pattern'),
      },
    ]);
    // The loose pattern still allows characters the strict one refuses.
    rc.virtualHosts[0]!.routes[0]!.match!.headers[0]!.name = 'end user';
    expect(validateMessage(RouteConfigurationSchema, rc)).toEqual([]);
  });

  it('rejects a route without match (message.required)', () => {
    const rc = routeConfig();
    rc.virtualHosts[0]!.routes[0]!.match = undefined;
    expect(summary(validateMessage(RouteConfigurationSchema, rc))).toEqual([
      'virtual_hosts[0].routes[0].match message.required',
    ]);
  });
});

describe('PGV through Any payloads (listener → HCM → http filters)', () => {
  const faultPath = 'filter_chains[0].filters[0].typed_config.http_filters[0].typed_config';

  it('accepts a listener with a valid fault filter', () => {
    const listener = listenerWithFault(abort(503, FractionalPercent_DenominatorType.HUNDRED));
    expect(validateMessage(ListenerSchema, listener)).toEqual([]);
  });

  it('finds an invalid HTTPFault two Any levels down', () => {
    const listener = listenerWithFault(abort(700, 99));
    expect(summary(validateMessage(ListenerSchema, listener))).toEqual([
      `${faultPath}.abort.http_status uint32.lt`,
      `${faultPath}.abort.percentage.denominator enum.defined_only`,
    ]);
  });

  it('finds a fault abort without an error type (oneof in the payload)', () => {
    const listener = listenerWithFault({ abort: { percentage: { numerator: 1 } } });
    expect(summary(validateMessage(ListenerSchema, listener))).toEqual([
      `${faultPath}.abort.error_type oneof.required`,
    ]);
  });

  it('reports an Any whose type is not in the registry', () => {
    const listener = listenerWithFault({});
    listener.filterChains[0]!.filters[0]!.configType = {
      case: 'typedConfig',
      value: {
        $typeName: 'google.protobuf.Any',
        typeUrl: 'type.googleapis.com/envoy.extensions.filters.network.Nope',
        value: new Uint8Array(),
      },
    };
    expect(summary(validateMessage(ListenerSchema, listener))).toEqual([
      'filter_chains[0].filters[0].typed_config any.registered',
    ]);
  });
});

describe('PGV on wrapper fields of Envoy messages', () => {
  const cla = (weight: number | undefined) =>
    create(ClusterLoadAssignmentSchema, {
      clusterName: CLUSTER_NAME,
      endpoints: [
        {
          locality: { region: 'us-east1', zone: 'us-east1-b' },
          loadBalancingWeight: weight,
          lbEndpoints: [
            {
              hostIdentifier: {
                case: 'endpoint',
                value: {
                  address: {
                    address: {
                      case: 'socketAddress',
                      value: {
                        address: '10.1.0.7',
                        portSpecifier: { case: 'portValue', value: 9080 },
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      ],
    });

  it('leaves an unset UInt32Value alone and checks a set one', () => {
    expect(validateMessage(ClusterLoadAssignmentSchema, cla(undefined))).toEqual([]);
    expect(validateMessage(ClusterLoadAssignmentSchema, cla(3))).toEqual([]);
    expect(summary(validateMessage(ClusterLoadAssignmentSchema, cla(0)))).toEqual([
      'endpoints[0].load_balancing_weight uint32.gte',
    ]);
  });
});

describe('validateEnvoyResource', () => {
  it('validates encoded bytes by type URL', () => {
    const bytes = toBinary(ClusterSchema, edsCluster({ name: '' }));
    expect(summary(validateEnvoyResource(TYPE_URL.cluster, bytes))).toEqual([
      'name string.min_len',
    ]);
    expect(validateEnvoyResource(TYPE_URL.cluster, toBinary(ClusterSchema, edsCluster()))).toEqual(
      [],
    );
  });

  it('validates decoded messages and checks they match the type URL', () => {
    expect(validateEnvoyResource(TYPE_URL.route, routeConfig())).toEqual([]);
    expect(summary(validateEnvoyResource(TYPE_URL.listener, routeConfig()))).toEqual([' type_url']);
  });

  it('reports unknown type URLs and undecodable bytes', () => {
    expect(
      summary(validateEnvoyResource('type.googleapis.com/nope.Thing', new Uint8Array())),
    ).toEqual([' any.registered']);
    expect(
      summary(validateEnvoyResource(TYPE_URL.cluster, new Uint8Array([0xff, 0xff, 0xff]))),
    ).toEqual([' any.decode']);
  });

  it('is fast enough to run on every generated resource', () => {
    const rc = routeConfig();
    const vh = rc.virtualHosts[0]!;
    rc.virtualHosts = Array.from({ length: 200 }, (_, i) => ({ ...vh, name: `svc-${i}:9080` }));
    validateMessage(RouteConfigurationSchema, rc); // warm the rule tables
    const start = performance.now();
    expect(validateMessage(RouteConfigurationSchema, rc)).toEqual([]);
    expect(performance.now() - start).toBeLessThan(200);
  });
});
