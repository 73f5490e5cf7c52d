// Groups endpoints by locality the way istiod does: one LocalityLbEndpoints per
// `region/zone/subzone`, sorted by locality, with load_balancing_weight ALWAYS set to the sum of
// its endpoints' weights (proxyless gRPC treats a missing locality weight as "no priority" and
// fails every call).
import { create } from '@bufbuild/protobuf';

import { HealthStatus } from '../../gen/envoy/config/core/v3/health_check_pb.js';
import {
  LbEndpointSchema,
  LocalityLbEndpointsSchema,
  type LbEndpoint,
  type LocalityLbEndpoints,
} from '../../gen/envoy/config/endpoint/v3/endpoint_components_pb.js';
import type { ServiceEndpoint } from '../../model/service.js';
import { socketAddress } from '../common/socket-address.js';
import { endpointMetadata } from './endpoint-metadata.js';

export interface LbEndpointOptions {
  /** Decides per endpoint whether its sidecar accepts mTLS (see endpointMetadata). */
  mtlsReady?: (ep: ServiceEndpoint) => boolean;
}

export function lbEndpoint(ep: ServiceEndpoint, opts: LbEndpointOptions = {}): LbEndpoint {
  return create(LbEndpointSchema, {
    hostIdentifier: { case: 'endpoint', value: { address: socketAddress(ep.address, ep.port) } },
    healthStatus: ep.healthy ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY,
    loadBalancingWeight: endpointWeight(ep),
    metadata: endpointMetadata(ep, opts.mtlsReady?.(ep) ?? true),
  });
}

export function endpointWeight(ep: ServiceEndpoint): number {
  return ep.weight > 0 ? ep.weight : 1;
}

function parseLocality(locality: string): { region: string; zone: string; subZone: string } {
  const [region = '', zone = '', subZone = ''] = locality.split('/');
  return { region, zone, subZone };
}

export function localityLbEndpoints(
  endpoints: readonly ServiceEndpoint[],
  opts: LbEndpointOptions = {},
): LocalityLbEndpoints[] {
  const groups = new Map<string, ServiceEndpoint[]>();
  for (const ep of endpoints) {
    const list = groups.get(ep.locality) ?? [];
    list.push(ep);
    groups.set(ep.locality, list);
  }
  return [...groups.keys()].sort().map((loc) => {
    const eps = groups.get(loc) ?? [];
    return create(LocalityLbEndpointsSchema, {
      locality: parseLocality(loc),
      lbEndpoints: eps.map((ep) => lbEndpoint(ep, opts)),
      loadBalancingWeight: eps.reduce((sum, ep) => sum + endpointWeight(ep), 0),
    });
  });
}
