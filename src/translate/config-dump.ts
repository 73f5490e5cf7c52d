// A proxy's resources as Envoy's admin `/config_dump`: a ConfigDump whose `configs` are, in
// this order, ListenersConfigDump (dynamic_listeners[].active_state.listener),
// ClustersConfigDump (dynamic_active_clusters[].cluster), RoutesConfigDump
// (dynamic_route_configs[].route_config) and EndpointsConfigDump
// (dynamic_endpoint_configs[].endpoint_config). Built from the generated admin messages and
// printed as proto3 JSON with snake_case names and `@type` on every Any, so tools that read a
// real Envoy's config dump (istioctl proxy-config, diff scripts) read ours.
import { create, type JsonValue } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { ConfigDumpSchema, type ConfigDump } from '../gen/envoy/admin/v3/config_dump_pb.js';
import {
  ClustersConfigDumpSchema,
  EndpointsConfigDumpSchema,
  ListenersConfigDumpSchema,
  RoutesConfigDumpSchema,
} from '../gen/envoy/admin/v3/config_dump_shared_pb.js';
import { ClusterSchema } from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../gen/envoy/config/route/v3/route_pb.js';
import { toEnvoyJson } from '../proto/envoy-json.js';
import type { ProxyResources } from './types.js';

export interface ConfigDumpOptions {
  /** version_info on every dynamic resource (the push version); omitted when empty. */
  version?: string;
}

export function buildConfigDump(res: ProxyResources, opts: ConfigDumpOptions = {}): ConfigDump {
  const versionInfo = opts.version ?? '';
  const listeners = create(ListenersConfigDumpSchema, {
    versionInfo,
    dynamicListeners: res.listeners.map((l) => ({
      name: l.name,
      activeState: { versionInfo, listener: anyPack(ListenerSchema, l) },
    })),
  });
  const clusters = create(ClustersConfigDumpSchema, {
    versionInfo,
    dynamicActiveClusters: res.clusters.map((c) => ({
      versionInfo,
      cluster: anyPack(ClusterSchema, c),
    })),
  });
  const routes = create(RoutesConfigDumpSchema, {
    dynamicRouteConfigs: res.routes.map((r) => ({
      versionInfo,
      routeConfig: anyPack(RouteConfigurationSchema, r),
    })),
  });
  const endpoints = create(EndpointsConfigDumpSchema, {
    dynamicEndpointConfigs: res.endpoints.map((e) => ({
      versionInfo,
      endpointConfig: anyPack(ClusterLoadAssignmentSchema, e),
    })),
  });
  return create(ConfigDumpSchema, {
    configs: [
      anyPack(ListenersConfigDumpSchema, listeners),
      anyPack(ClustersConfigDumpSchema, clusters),
      anyPack(RoutesConfigDumpSchema, routes),
      anyPack(EndpointsConfigDumpSchema, endpoints),
    ],
  });
}

/** The config dump as Envoy's admin API prints it. */
export function configDumpJson(res: ProxyResources, opts: ConfigDumpOptions = {}): JsonValue {
  return toEnvoyJson(ConfigDumpSchema, buildConfigDump(res, opts));
}
