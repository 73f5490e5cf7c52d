// The sidecar outbound route configurations the outbound listeners name (istiod's
// buildSidecarOutboundHTTPRouteConfig):
//   `<port>`        → every HTTP vhost on the port, plus the allow_any / block_all catch-all;
//   `<fqdn>:<port>` → a sniffed service's own listener: only that service's vhost, its domains
//                     widened to `*` (the listener address already chose the service), no
//                     catch-all.
// Both see the services and VirtualServices of the Sidecar egress listener owning the port (the
// first with that port, else the catch-all), as istiod's GetEgressListenerForRDS picks it.
import { create } from '@bufbuild/protobuf';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../gen/envoy/config/route/v3/route_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import {
  buildSidecarRouteConfig,
  MAX_DIRECT_RESPONSE_BODY_BYTES,
} from '../route/route-config-sidecar.js';
import { buildOutboundVirtualHosts, type OutboundVirtualHostInput } from '../route/virtual-host.js';
import { egressListenerFor, type SidecarScope } from './sidecar-scope.js';

const SNIFFED_ROUTE = /^(.+):(\d+)$/;

/** `<port>` or `<fqdn>:<port>`: the RDS names sidecar outbound listeners use. */
export function isSidecarRouteName(name: string): boolean {
  return /^\d+$/.test(name) || SNIFFED_ROUTE.test(name);
}

function scopedInput(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
  port: number,
): OutboundVirtualHostInput {
  const egress = egressListenerFor(scope, port);
  return {
    proxy,
    push,
    listenerPort: port,
    includeService: (svc) => egress?.isServiceImported(svc) ?? false,
    includeVirtualService: (vs) =>
      vs.hosts.some((h) => egress?.isHostVisible(vs.resource.metadata.namespace, h) ?? false),
  };
}

function sniffedRouteConfig(input: OutboundVirtualHostInput, name: string): RouteConfiguration {
  const host = name.slice(0, name.lastIndexOf(':'));
  const picked = buildOutboundVirtualHosts(input).filter((vh) =>
    vh.domains.some((d) => d === name || d === host),
  );
  if (picked.length === 1) picked[0].domains = ['*'];
  return create(RouteConfigurationSchema, {
    name,
    virtualHosts: picked,
    validateClusters: false,
    maxDirectResponseBodySizeBytes: MAX_DIRECT_RESPONSE_BODY_BYTES,
    ignorePortInHostMatching: true,
  });
}

/** The route config for an RDS name accepted by isSidecarRouteName. */
export function buildSidecarRouteConfigNamed(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
  name: string,
): RouteConfiguration {
  const sniffed = SNIFFED_ROUTE.exec(name);
  const port = Number(sniffed ? sniffed[2] : name);
  const input = scopedInput(proxy, push, scope, port);
  return sniffed ? sniffedRouteConfig(input, name) : buildSidecarRouteConfig(input);
}
