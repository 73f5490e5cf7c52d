// The last virtual host of a sidecar's outbound route config (istio buildCatchAllVirtualHost):
// ALLOW_ANY forwards unknown hosts to PassthroughCluster, REGISTRY_ONLY answers 502.
import { create } from '@bufbuild/protobuf';

import type { Destination } from '../../model/istio-types.js';
import { PASSTHROUGH_CLUSTER } from '../common/cluster-name.js';
import { durationFromNanos } from '../common/duration.js';
import {
  RouteSchema,
  VirtualHostSchema,
  type VirtualHost,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { destinationCluster } from './destination.js';

export const ALLOW_ANY_VHOST = 'allow_any';
export const BLOCK_ALL_VHOST = 'block_all';

export function catchAllVirtualHost(
  mode: 'ALLOW_ANY' | 'REGISTRY_ONLY',
  egressProxy?: Destination,
): VirtualHost {
  if (mode === 'ALLOW_ANY') {
    const cluster = egressProxy
      ? destinationCluster(egressProxy, undefined, 0)
      : PASSTHROUGH_CLUSTER;
    return create(VirtualHostSchema, {
      name: ALLOW_ANY_VHOST,
      domains: ['*'],
      includeRequestAttemptCount: true,
      routes: [
        create(RouteSchema, {
          name: ALLOW_ANY_VHOST,
          match: { pathSpecifier: { case: 'prefix', value: '/' } },
          action: {
            case: 'route',
            value: {
              clusterSpecifier: { case: 'cluster', value: cluster },
              timeout: durationFromNanos(0n),
              maxGrpcTimeout: durationFromNanos(0n),
            },
          },
        }),
      ],
    });
  }
  return create(VirtualHostSchema, {
    name: BLOCK_ALL_VHOST,
    domains: ['*'],
    includeRequestAttemptCount: true,
    routes: [
      create(RouteSchema, {
        name: BLOCK_ALL_VHOST,
        match: { pathSpecifier: { case: 'prefix', value: '/' } },
        action: { case: 'directResponse', value: { status: 502 } },
      }),
    ],
  });
}
