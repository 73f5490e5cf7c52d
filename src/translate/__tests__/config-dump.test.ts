// The admin-style config dump built from a proxy's resources, as Envoy and istioctl print it.
import { fromJson } from '@bufbuild/protobuf';
import { ConfigDumpSchema } from '../../gen/envoy/admin/v3/config_dump_pb.js';
import { registry } from '../../proto/registry.js';
import { configDumpJson } from '../config-dump.js';
import { GATEWAY, testdata, translateBookinfo } from './world.js';

interface Dump {
  configs: Record<string, unknown>[];
}

describe('config dump', () => {
  const res = translateBookinfo(
    GATEWAY,
    testdata('bookinfo', 'networking', 'bookinfo-gateway.yaml'),
  );
  const json = configDumpJson(res, { version: '7' }) as unknown as Dump;

  it('has the four dumps in Envoy order with @type', () => {
    expect(json.configs.map((c) => c['@type'])).toEqual([
      'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
      'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
    ]);
  });

  it('nests resources where Envoy puts them, snake_case, typed', () => {
    const [listeners, clusters, routes, endpoints] = json.configs as Record<
      string,
      Record<string, Record<string, unknown>>[]
    >[];
    const l = listeners.dynamic_listeners[0];
    expect(l.name).toBe('0.0.0.0_8080');
    expect((l.active_state as Record<string, Record<string, unknown>>).listener['@type']).toBe(
      'type.googleapis.com/envoy.config.listener.v3.Listener',
    );
    expect(clusters.dynamic_active_clusters.length).toBe(res.clusters.length);
    expect((clusters.dynamic_active_clusters[0].cluster as Record<string, unknown>)['@type']).toBe(
      'type.googleapis.com/envoy.config.cluster.v3.Cluster',
    );
    expect((routes.dynamic_route_configs[0].route_config as Record<string, unknown>).name).toBe(
      'http.8080',
    );
    expect(endpoints.dynamic_endpoint_configs.length).toBe(res.endpoints.length);
    expect(endpoints.dynamic_endpoint_configs[0].version_info).toBe('7');
  });

  it('round-trips through the admin ConfigDump proto', () => {
    const back = fromJson(ConfigDumpSchema, configDumpJson(res), { registry });
    expect(back.configs).toHaveLength(4);
  });
});
