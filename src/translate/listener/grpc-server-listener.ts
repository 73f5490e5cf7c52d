// Listeners for proxyless gRPC servers (gRPC A36 `XdsServer`), as istiod's grpcgen builds them.
// The server asks for `xds.istio.io/grpc/lds/inbound/<ip>:<port>` (the bootstrap's
// server_listener_resource_name_template) and serves only if the Listener's socket address is
// that ip:port. It gets one filter chain with exactly one HttpConnectionManager whose inline
// route configuration accepts everything with `non_forwarding_action` (any other route action
// fails the RPC), RBAC filters from the AuthorizationPolicies selecting the workload, then the
// router. The chain is `inbound-mtls` or `inbound-plaintext` (see grpc-server-tls.ts).
// A port no Service of the workload targets gets no listener, as in istiod.
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { FilterChainSchema } from '../../gen/envoy/config/listener/v3/listener_components_pb.js';
import { ListenerSchema, type Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { RouterSchema } from '../../gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { HttpConnectionManagerSchema } from '../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { GRPC_INBOUND_LISTENER_PREFIX } from './grpc-listeners.js';
import { buildHttpConnectionManager } from './http-connection-manager.js';
import { ROUTER_FILTER } from './http-filters.js';
import { socketAddress } from '../common/socket-address.js';
import { typedFilter } from './typed-config.js';
import { grpcAuthzFilters } from '../authz/grpc-rbac-filters.js';
import { grpcServerPorts } from './grpc-server-ports.js';
import { grpcServerMtls, grpcServerSecurity } from './grpc-server-tls.js';

/** `ip:port` / `[v6]:port` of an inbound listener name, or undefined for other names. */
export function parseGrpcInboundName(name: string): { ip: string; port: number } | undefined {
  if (!name.startsWith(GRPC_INBOUND_LISTENER_PREFIX)) return undefined;
  const hostPort = name.slice(GRPC_INBOUND_LISTENER_PREFIX.length);
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(hostPort);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { ip: m[1] ?? m[2], port };
}

export function grpcInboundName(ip: string, port: number): string {
  return `${GRPC_INBOUND_LISTENER_PREFIX}${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
}

function inboundRouteConfig() {
  return create(RouteConfigurationSchema, {
    name: 'inbound',
    virtualHosts: [
      {
        // Envoy's validation requires a name; gRPC ignores it.
        name: 'inbound',
        domains: ['*'],
        routes: [
          {
            match: { pathSpecifier: { case: 'prefix', value: '/' } },
            action: { case: 'nonForwardingAction', value: {} },
          },
        ],
      },
    ],
  });
}

function serverListener(proxy: Proxy, push: PushContext, ip: string, port: number): Listener {
  const security = grpcServerSecurity(proxy, push, port);
  const hcm = buildHttpConnectionManager({
    role: 'grpc',
    statPrefix: `inbound_${port}`,
    routeConfig: inboundRouteConfig(),
    httpFilters: [...grpcAuthzFilters(proxy, push), typedFilter(ROUTER_FILTER, RouterSchema)],
  });
  return create(ListenerSchema, {
    name: grpcInboundName(ip, port),
    address: socketAddress(ip, port),
    filterChains: [
      create(FilterChainSchema, {
        name: `inbound-${security}`,
        filters: [
          {
            name: `inbound-hcm${security}`,
            configType: { case: 'typedConfig', value: anyPack(HttpConnectionManagerSchema, hcm) },
          },
        ],
        transportSocket: security === 'mtls' ? grpcServerMtls() : undefined,
      }),
    ],
  });
}

/**
 * Server listeners for the requested inbound names; with `names` undefined, one per
 * INSTANCE_IP × workload port (what the proxy would ask for when it serves on them).
 */
export function buildGrpcServerListeners(
  proxy: Proxy,
  push: PushContext,
  names?: readonly string[],
): Listener[] {
  const ports = new Set(grpcServerPorts(proxy, push).map((p) => p.port));
  const wanted =
    names === undefined
      ? [...new Set([proxy.ip, ...proxy.ips])].flatMap((ip) =>
          [...ports].map((port) => ({ ip, port })),
        )
      : names.map(parseGrpcInboundName).filter((n) => n !== undefined);
  return wanted
    .filter((w) => ports.has(w.port))
    .map((w) => serverListener(proxy, push, w.ip, w.port));
}
