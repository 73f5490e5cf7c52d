// Real Envoy messages for the protocol tests, built with the generated schemas. `rev` changes a
// field so the same name can be given new content.
import { create } from '@bufbuild/protobuf';
import {
  ClusterSchema,
  Cluster_DiscoveryType,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { SecretSchema } from '../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { encodeResource, type XdsResource } from '../resource.js';

export function cluster(name: string, rev = 1): XdsResource {
  const msg = create(ClusterSchema, {
    name,
    clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
    connectTimeout: { seconds: BigInt(rev), nanos: 0 },
    edsClusterConfig: {
      edsConfig: { configSourceSpecifier: { case: 'ads', value: {} } },
      serviceName: name,
    },
  });
  return encodeResource(ClusterSchema, msg, name);
}

export function endpoints(name: string, port = 8080, ip = '127.0.0.11'): XdsResource {
  const msg = create(ClusterLoadAssignmentSchema, {
    clusterName: name,
    endpoints: [
      {
        loadBalancingWeight: 1,
        lbEndpoints: [
          {
            hostIdentifier: {
              case: 'endpoint',
              value: {
                address: {
                  address: {
                    case: 'socketAddress',
                    value: { address: ip, portSpecifier: { case: 'portValue', value: port } },
                  },
                },
              },
            },
          },
        ],
      },
    ],
  });
  return encodeResource(ClusterLoadAssignmentSchema, msg, name);
}

export function listener(name: string, port = 9080): XdsResource {
  const msg = create(ListenerSchema, {
    name,
    address: {
      address: {
        case: 'socketAddress',
        value: { address: '0.0.0.0', portSpecifier: { case: 'portValue', value: port } },
      },
    },
  });
  return encodeResource(ListenerSchema, msg, name);
}

export function routeConfig(name: string, cluster: string): XdsResource {
  const msg = create(RouteConfigurationSchema, {
    name,
    virtualHosts: [
      {
        name: 'all',
        domains: ['*'],
        routes: [
          {
            match: { pathSpecifier: { case: 'prefix', value: '/' } },
            action: {
              case: 'route',
              value: { clusterSpecifier: { case: 'cluster', value: cluster } },
            },
          },
        ],
      },
    ],
  });
  return encodeResource(RouteConfigurationSchema, msg, name);
}

export function secret(name: string): XdsResource {
  return encodeResource(SecretSchema, create(SecretSchema, { name }), name);
}
