// The route configuration istiod inlines into every inbound HCM: one vhost matching any
// authority with one `default` route to the local inbound cluster (timeouts off: the client
// side enforces them). validate_clusters is off like every route config istiod sends.
import { create } from '@bufbuild/protobuf';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../gen/envoy/config/route/v3/route_pb.js';
import { seconds } from './typed-config.js';

export function inboundRouteConfig(
  name: string,
  vhostName: string,
  cluster: string,
  operation: string,
): RouteConfiguration {
  return create(RouteConfigurationSchema, {
    name,
    validateClusters: false,
    virtualHosts: [
      {
        name: vhostName,
        domains: ['*'],
        routes: [
          {
            name: 'default',
            match: { pathSpecifier: { case: 'prefix', value: '/' } },
            action: {
              case: 'route',
              value: {
                clusterSpecifier: { case: 'cluster', value: cluster },
                timeout: seconds(0),
                maxStreamDuration: {
                  maxStreamDuration: seconds(0),
                  grpcTimeoutHeaderMax: seconds(0),
                },
              },
            },
            decorator: { operation },
          },
        ],
      },
    ],
  });
}
