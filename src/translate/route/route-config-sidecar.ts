// A sidecar's outbound RouteConfiguration for one HTTP listener port: RDS name `<port>`, one vhost
// per service / VirtualService host reachable on that port, then the allow_any / block_all
// catch-all (istio buildSidecarOutboundHTTPRouteConfig).
import { create } from '@bufbuild/protobuf';

import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../gen/envoy/config/route/v3/route_pb.js';
import { catchAllVirtualHost } from './catch-all.js';
import { buildOutboundVirtualHosts, type OutboundVirtualHostInput } from './virtual-host.js';

/** Envoy's default of 4 KiB is too small for direct_response bodies Istio validates up to 1 MiB. */
export const MAX_DIRECT_RESPONSE_BODY_BYTES = 1024 * 1024;

export function buildSidecarRouteConfig(input: OutboundVirtualHostInput): RouteConfiguration {
  const { proxy, push } = input;
  const sidecar = push.sidecarFor(proxy.namespace, proxy.labels);
  const policy = sidecar?.spec.outboundTrafficPolicy;
  const mode = policy?.mode ?? push.mesh.outboundTrafficPolicy;
  const virtualHosts = buildOutboundVirtualHosts(input);
  virtualHosts.push(catchAllVirtualHost(mode, policy?.egressProxy));
  return create(RouteConfigurationSchema, {
    name: String(input.listenerPort),
    virtualHosts,
    // Routes may name clusters the proxy does not have; Envoy must accept them (503 NC at runtime).
    validateClusters: false,
    maxDirectResponseBodySizeBytes: MAX_DIRECT_RESPONSE_BODY_BYTES,
    ignorePortInHostMatching: true,
  });
}
