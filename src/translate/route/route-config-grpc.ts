// Proxyless gRPC RDS (istio grpcgen rds.go): the route config is named like the cluster,
// `outbound|<port>||<fqdn>`, and holds only the vhost of that host (Istio ≥1.31), whose domains
// carry `host:port` because gRPC matches the dial target with its port.
import { create } from '@bufbuild/protobuf';

import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { parseSubsetKey } from '../common/cluster-name.js';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../gen/envoy/config/route/v3/route_pb.js';
import { buildOutboundVirtualHosts, type OutboundVirtualHostInput } from './virtual-host.js';

/** Undefined when the name is not a cluster-style route name. */
export function buildGrpcRouteConfig(
  proxy: Proxy,
  push: PushContext,
  routeName: string,
  scoping: Pick<OutboundVirtualHostInput, 'includeService' | 'includeVirtualService'> = {},
): RouteConfiguration | undefined {
  const parsed = parseSubsetKey(routeName);
  if (!parsed || parsed.host === '') return undefined;
  const vhosts = buildOutboundVirtualHosts({
    proxy,
    push,
    listenerPort: parsed.port,
    grpc: true,
    ...scoping,
  });
  const wanted = [parsed.host, `${parsed.host}:${parsed.port}`];
  return create(RouteConfigurationSchema, {
    name: routeName,
    virtualHosts: vhosts.filter((vh) => vh.domains.some((d) => wanted.includes(d))),
  });
}
