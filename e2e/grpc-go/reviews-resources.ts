// Hand-built xDS resources, shaped like istiod's output for a proxyless gRPC client, for the
// bookinfo `reviews` service: Listener `reviews.default.svc.cluster.local:9080` (api_listener HCM,
// inline RouteConfiguration `9080`), EDS Clusters `outbound|9080|vN|reviews...`, and
// ClusterLoadAssignments with a weighted locality. Routing: `end-user: jason` → one subset,
// everyone else split by weight.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import {
  ClusterSchema,
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
} from '../../src/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ApiVersion } from '../../src/gen/envoy/config/core/v3/config_source_pb.js';
import { ClusterLoadAssignmentSchema } from '../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../src/gen/envoy/config/listener/v3/listener_pb.js';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../src/gen/envoy/config/route/v3/route_pb.js';
import type { RouteSchema } from '../../src/gen/envoy/config/route/v3/route_components_pb.js';
import { RouterSchema } from '../../src/gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { HttpConnectionManagerSchema } from '../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import type { NamedResource } from './minimal-ads.js';

export const HOST = 'reviews.default.svc.cluster.local';
export const PORT = 9080;
export const TARGET = `${HOST}:${PORT}`;

export const LISTENER_TYPE = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const CLUSTER_TYPE = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const ENDPOINT_TYPE = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';

export const clusterName = (subset: string): string => `outbound|${PORT}|${subset}|${HOST}`;

const ads = {
  configSourceSpecifier: { case: 'ads' as const, value: {} },
  resourceApiVersion: ApiVersion.V3,
};

export interface RoutingPlan {
  /** Subset that requests with `end-user: jason` go to. */
  jason: string;
  /** Everyone else: subset → weight. */
  weights: Record<string, number>;
}

function routeConfig(plan: RoutingPlan): RouteConfiguration {
  const toCluster = (subset: string): MessageInitShape<typeof RouteSchema>['action'] => ({
    case: 'route',
    value: { clusterSpecifier: { case: 'cluster', value: clusterName(subset) } },
  });
  return create(RouteConfigurationSchema, {
    name: String(PORT),
    virtualHosts: [
      {
        name: `${HOST}:${PORT}`,
        domains: [HOST, `${HOST}:${PORT}`, 'reviews', `reviews:${PORT}`],
        routes: [
          {
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
            action: toCluster(plan.jason),
          },
          {
            match: { pathSpecifier: { case: 'prefix', value: '/' } },
            action: {
              case: 'route',
              value: {
                clusterSpecifier: {
                  case: 'weightedClusters',
                  value: {
                    clusters: Object.entries(plan.weights).map(([subset, weight]) => ({
                      name: clusterName(subset),
                      weight,
                    })),
                  },
                },
              },
            },
          },
        ],
      },
    ],
  });
}

export function listener(plan: RoutingPlan): NamedResource {
  const hcm = create(HttpConnectionManagerSchema, {
    statPrefix: TARGET,
    routeSpecifier: { case: 'routeConfig', value: routeConfig(plan) },
    httpFilters: [
      {
        name: 'envoy.filters.http.router',
        configType: { case: 'typedConfig', value: anyPack(RouterSchema, create(RouterSchema)) },
      },
    ],
  });
  const lis = create(ListenerSchema, {
    name: TARGET,
    apiListener: { apiListener: anyPack(HttpConnectionManagerSchema, hcm) },
  });
  return { name: TARGET, any: anyPack(ListenerSchema, lis) };
}

export function cluster(subset: string): NamedResource {
  const name = clusterName(subset);
  const c = create(ClusterSchema, {
    name,
    clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: ads, serviceName: name },
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    connectTimeout: { seconds: 10n, nanos: 0 },
  });
  return { name, any: anyPack(ClusterSchema, c) };
}

export function endpoints(
  subset: string,
  addresses: { ip: string; port: number }[],
): NamedResource {
  const name = clusterName(subset);
  const cla = create(ClusterLoadAssignmentSchema, {
    clusterName: name,
    endpoints: [
      {
        locality: { region: 'us-east1', zone: 'us-east1-b', subZone: '' },
        // gRPC ignores a locality without a weight ("empty priority list"): always set it.
        loadBalancingWeight: addresses.length,
        lbEndpoints: addresses.map(({ ip, port }) => ({
          hostIdentifier: {
            case: 'endpoint' as const,
            value: {
              address: {
                address: {
                  case: 'socketAddress' as const,
                  value: {
                    address: ip,
                    portSpecifier: { case: 'portValue' as const, value: port },
                  },
                },
              },
            },
          },
          loadBalancingWeight: 1,
        })),
      },
    ],
  });
  return { name, any: anyPack(ClusterLoadAssignmentSchema, cla) };
}
