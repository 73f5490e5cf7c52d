// Envoy-style proto JSON: snake_case names, `@type` first in every Any, and the way back.
import { create, equals } from '@bufbuild/protobuf';
import type { JsonValue } from '@bufbuild/protobuf';
import { ConfigDumpSchema } from '../../gen/envoy/admin/v3/config_dump_pb.js';
import { ClustersConfigDumpSchema } from '../../gen/envoy/admin/v3/config_dump_shared_pb.js';
import {
  Cluster_DiscoveryType,
  ClusterSchema,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouterSchema } from '../../gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { HttpConnectionManagerSchema } from '../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { packAny } from '../any.js';
import { fromEnvoyJson, toEnvoyJson } from '../envoy-json.js';

const cluster = create(ClusterSchema, {
  name: 'outbound|9080||reviews.default.svc.cluster.local',
  clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
  connectTimeout: { seconds: 10n, nanos: 0 },
  perConnectionBufferLimitBytes: 32768,
  edsClusterConfig: {
    serviceName: 'outbound|9080||reviews.default.svc.cluster.local',
    edsConfig: { configSourceSpecifier: { case: 'ads', value: {} } },
  },
});

const listener = create(ListenerSchema, {
  name: 'virtualInbound',
  filterChains: [
    {
      filters: [
        {
          name: 'envoy.filters.network.http_connection_manager',
          configType: {
            case: 'typedConfig',
            value: packAny(
              HttpConnectionManagerSchema,
              create(HttpConnectionManagerSchema, {
                statPrefix: 'inbound_0.0.0.0_9080',
                httpFilters: [
                  {
                    name: 'envoy.filters.http.router',
                    configType: {
                      case: 'typedConfig',
                      value: packAny(RouterSchema, create(RouterSchema)),
                    },
                  },
                ],
              }),
            ),
          },
        },
      ],
    },
  ],
});

/** Every object key in a JSON tree. */
function keysOf(json: JsonValue): string[] {
  if (Array.isArray(json)) return json.flatMap(keysOf);
  if (json !== null && typeof json === 'object') {
    return Object.entries(json).flatMap(([k, v]) => [k, ...keysOf(v ?? null)]);
  }
  return [];
}

describe('toEnvoyJson', () => {
  it('prints snake_case field names and proto3 JSON for well-known types', () => {
    expect(toEnvoyJson(ClusterSchema, cluster)).toEqual({
      name: 'outbound|9080||reviews.default.svc.cluster.local',
      type: 'EDS',
      connect_timeout: '10s',
      per_connection_buffer_limit_bytes: 32768,
      eds_cluster_config: {
        eds_config: { ads: {} },
        service_name: 'outbound|9080||reviews.default.svc.cluster.local',
      },
    });
  });

  it('puts @type on every Any, resolving nested Any through the registry', () => {
    const json = toEnvoyJson(ListenerSchema, listener) as {
      filter_chains: { filters: { typed_config: Record<string, JsonValue> }[] }[];
    };
    const hcm = json.filter_chains[0]!.filters[0]!.typed_config;
    expect(hcm['@type']).toBe(
      'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    );
    expect(hcm['stat_prefix']).toBe('inbound_0.0.0.0_9080');
    expect(hcm['http_filters']).toEqual([
      {
        name: 'envoy.filters.http.router',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
        },
      },
    ]);
    const camel = keysOf(json).filter((k) => /[a-z][A-Z]/.test(k));
    expect(camel).toEqual([]);
  });

  it('prints @type as the first key of every Any, at every depth, like Envoy', () => {
    const anyKeyOrders: string[][] = [];
    const collect = (json: JsonValue): void => {
      if (Array.isArray(json)) return json.forEach(collect);
      if (json === null || typeof json !== 'object') return;
      if ('@type' in json) anyKeyOrders.push(Object.keys(json));
      Object.values(json).forEach((v) => collect(v ?? null));
    };
    collect(toEnvoyJson(ListenerSchema, listener));
    expect(anyKeyOrders).toEqual([['@type', 'stat_prefix', 'http_filters'], ['@type']]);
  });

  it('prints an admin config_dump like Envoy does', () => {
    const dump = create(ConfigDumpSchema, {
      configs: [
        packAny(
          ClustersConfigDumpSchema,
          create(ClustersConfigDumpSchema, {
            versionInfo: '2024-01-01T00:00:00Z/1',
            dynamicActiveClusters: [{ versionInfo: '1', cluster: packAny(ClusterSchema, cluster) }],
          }),
        ),
      ],
    });
    const json = toEnvoyJson(ConfigDumpSchema, dump) as {
      configs: {
        '@type': string;
        dynamic_active_clusters: { cluster: Record<string, JsonValue> }[];
      }[];
    };
    expect(json.configs[0]!['@type']).toBe('type.googleapis.com/envoy.admin.v3.ClustersConfigDump');
    const dumped = json.configs[0]!.dynamic_active_clusters[0]!.cluster;
    expect(dumped['@type']).toBe('type.googleapis.com/envoy.config.cluster.v3.Cluster');
    expect(dumped['connect_timeout']).toBe('10s');
  });
});

describe('fromEnvoyJson', () => {
  it('round-trips through Envoy JSON, Any payloads included', () => {
    const back = fromEnvoyJson(ListenerSchema, toEnvoyJson(ListenerSchema, listener));
    expect(equals(ListenerSchema, back, listener)).toBe(true);
    expect(
      equals(
        ClusterSchema,
        fromEnvoyJson(ClusterSchema, toEnvoyJson(ClusterSchema, cluster)),
        cluster,
      ),
    ).toBe(true);
  });

  it('accepts lowerCamelCase names like Envoy and rejects unknown fields', () => {
    const c = fromEnvoyJson(ClusterSchema, { name: 'x', connectTimeout: '0.25s' });
    expect(c.connectTimeout).toEqual(expect.objectContaining({ seconds: 0n, nanos: 250_000_000 }));
    expect(() => fromEnvoyJson(ClusterSchema, { name: 'x', no_such_field: 1 })).toThrow();
  });
});
