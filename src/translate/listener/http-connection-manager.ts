// The envoy.filters.network.http_connection_manager network filter as istiod configures it for
// each kind of listener. Tracing and access logging are off (istiod enables them from
// MeshConfig settings mini-istiod does not read).
import { create } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import type { RouteConfiguration } from '../../gen/envoy/config/route/v3/route_pb.js';
import {
  HttpConnectionManager_ForwardClientCertDetails as ForwardClientCert,
  HttpConnectionManager_PathWithEscapedSlashesAction as EscapedSlashes,
  HttpConnectionManagerSchema,
  RdsSchema,
  type HttpConnectionManager,
} from '../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { adsConfigSource } from './config-source.js';
import { seconds, typedFilter, type TypedFilter } from './typed-config.js';

export const HCM_FILTER = 'envoy.filters.network.http_connection_manager';

/** Which side of the proxy the HCM serves; it decides the XFF/XFCC handling. */
export type HcmRole = 'sidecar-outbound' | 'sidecar-inbound' | 'gateway' | 'grpc';

export interface HcmOptions {
  role: HcmRole;
  statPrefix: string;
  httpFilters: TypedFilter[];
  /** Exactly one of: an RDS name, or an inline route configuration. */
  rds?: string;
  routeConfig?: RouteConfiguration;
}

export function buildHttpConnectionManager(opts: HcmOptions): HttpConnectionManager {
  const routeSpecifier: HttpConnectionManager['routeSpecifier'] =
    opts.routeConfig !== undefined
      ? { case: 'routeConfig', value: opts.routeConfig }
      : {
          case: 'rds',
          value: create(RdsSchema, {
            configSource: adsConfigSource(),
            routeConfigName: opts.rds ?? '',
          }),
        };
  if (opts.role === 'grpc') {
    // Proxyless gRPC reads only rds/route_config and http_filters; stat_prefix is still
    // required by Envoy's proto validation.
    return create(HttpConnectionManagerSchema, {
      statPrefix: opts.statPrefix,
      routeSpecifier,
      httpFilters: opts.httpFilters,
    });
  }
  const inbound = opts.role === 'sidecar-inbound';
  const gateway = opts.role === 'gateway';
  return create(HttpConnectionManagerSchema, {
    statPrefix: opts.statPrefix,
    routeSpecifier,
    httpFilters: opts.httpFilters,
    useRemoteAddress: gateway,
    upgradeConfigs: [{ upgradeType: 'websocket' }],
    streamIdleTimeout: seconds(0),
    normalizePath: true,
    pathWithEscapedSlashesAction: EscapedSlashes.KEEP_UNCHANGED,
    // Inbound appends the peer identity to XFCC; gateways drop what clients claim.
    forwardClientCertDetails: inbound
      ? ForwardClientCert.APPEND_FORWARD
      : gateway
        ? ForwardClientCert.SANITIZE_SET
        : ForwardClientCert.SANITIZE,
    setCurrentClientCertDetails: inbound ? { subject: true, dns: true, uri: true } : undefined,
    serverName: inbound || gateway ? 'istio-envoy' : '',
  });
}

// The route specifier of every HCM filter built here, by its packed config: readers of built
// listeners (inspect.ts rdsNamesOf) learn the RDS name without unpacking the HCM again.
// `null`: an inline route configuration.
const packedRds = new WeakMap<Any, string | null>();

/** The RDS name of an HCM config packed by httpConnectionManagerFilter (null: inline routes). */
export function packedHcmRdsName(config: Any): string | null | undefined {
  return packedRds.get(config);
}

/** The HCM wrapped as a listener network filter. */
export function httpConnectionManagerFilter(opts: HcmOptions): TypedFilter {
  const filter = typedFilter(
    HCM_FILTER,
    HttpConnectionManagerSchema,
    buildHttpConnectionManager(opts),
  );
  packedRds.set(filter.configType.value, opts.routeConfig !== undefined ? null : (opts.rds ?? ''));
  return filter;
}
