// Listeners for proxyless gRPC clients (node metadata GENERATOR=grpc): an API listener per
// requested `host:port` name (the target of `xds:///host:port`), whose HCM fetches the route
// configuration `outbound|<port>||<fqdn>` over ADS. Names that resolve to no visible service are
// skipped, as istiod's grpcgen does; with no names requested, every visible service port gets
// one (`<fqdn>:<port>`). Server-side names (xds.istio.io/grpc/lds/inbound/<ip>:<port>, gRPC
// A36) get server listeners from grpc-server-listener.ts; with no names requested, one
// for each of the proxy's own IPs × workload ports, so a plain snapshot already serves them.
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { ListenerSchema, type Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { HttpConnectionManagerSchema } from '../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import { outboundClusterName } from '../common/cluster-name.js';
import { grpcHttpFilters } from './http-filters.js';
import { buildHttpConnectionManager } from './http-connection-manager.js';
import type { SidecarScope } from './sidecar-scope.js';
import { buildGrpcServerListeners } from './grpc-server-listener.js';

export const GRPC_INBOUND_LISTENER_PREFIX = 'xds.istio.io/grpc/lds/inbound/';

/** `reviews`, `reviews.default`, `reviews.default.svc` or the FQDN, for a proxy in `namespace`. */
export function resolveGrpcHost(
  host: string,
  services: readonly Service[],
  namespace: string,
  domainSuffix: string,
): Service | undefined {
  const parts = host.split('.');
  const fqdn =
    parts.length === 1
      ? `${host}.${namespace}.svc.${domainSuffix}`
      : parts.length === 2
        ? `${host}.svc.${domainSuffix}`
        : parts.length === 3 && parts[2] === 'svc'
          ? `${host}.${domainSuffix}`
          : host;
  return services.find((s) => s.hostname === fqdn) ?? services.find((s) => s.hostname === host);
}

function splitHostPort(name: string): { host: string; port: number } | undefined {
  const i = name.lastIndexOf(':');
  if (i <= 0) return undefined;
  const port = Number(name.slice(i + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host: name.slice(0, i), port };
}

function apiListener(name: string, rds: string): Listener {
  const hcm = buildHttpConnectionManager({
    role: 'grpc',
    statPrefix: name,
    rds,
    httpFilters: grpcHttpFilters(),
  });
  return create(ListenerSchema, {
    name,
    apiListener: { apiListener: anyPack(HttpConnectionManagerSchema, hcm) },
  });
}

export function buildGrpcListeners(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
  requestedNames?: readonly string[],
): Listener[] {
  const out: Listener[] = [];
  if (!requestedNames || requestedNames.length === 0) {
    for (const svc of scope.services) {
      for (const p of svc.ports) {
        if (!scope.isServicePortVisible(svc, p.port)) continue;
        out.push(
          apiListener(
            `${svc.hostname}:${p.port}`,
            outboundClusterName(p.port, undefined, svc.hostname),
          ),
        );
      }
    }
    return [...out, ...buildGrpcServerListeners(proxy, push)];
  }
  const inbound = requestedNames.filter((n) => n.startsWith(GRPC_INBOUND_LISTENER_PREFIX));
  out.push(...buildGrpcServerListeners(proxy, push, inbound));
  for (const name of requestedNames) {
    if (name.startsWith(GRPC_INBOUND_LISTENER_PREFIX)) continue;
    const hp = splitHostPort(name);
    if (!hp) continue;
    const svc = resolveGrpcHost(hp.host, scope.services, proxy.namespace, push.mesh.domainSuffix);
    if (!svc || !svc.ports.some((p) => p.port === hp.port)) continue;
    out.push(apiListener(name, outboundClusterName(hp.port, undefined, svc.hostname)));
  }
  return out;
}
