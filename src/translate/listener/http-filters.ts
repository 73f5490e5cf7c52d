// The HTTP filter chain istiod puts in every HttpConnectionManager. Istio's order (listener
// builder buildHTTPConnectionManager) is:
//   istio.metadata_exchange, [authz/authn], grpc-web, grpc_stats (gRPC ports), istio.alpn
//   (outbound sidecar only), envoy.filters.http.fault, envoy.filters.http.cors, istio.stats,
//   envoy.filters.http.router.
// We omit the filters whose config protos are Istio's own extensions and not in our vendored
// Envoy API: istio.metadata_exchange, istio.alpn, istio.stats (and the authn filters for
// RequestAuthentication). RBAC from AuthorizationPolicy (src/translate/authz/) is passed in by
// the inbound listener builders. Fault and CORS must stay: routes carry
// typed_per_filter_config for them, which Envoy rejects when the filter is missing.
import { CorsSchema } from '../../gen/envoy/extensions/filters/http/cors/v3/cors_pb.js';
import { HTTPFaultSchema } from '../../gen/envoy/extensions/filters/http/fault/v3/fault_pb.js';
import { FilterConfigSchema as GrpcStatsSchema } from '../../gen/envoy/extensions/filters/http/grpc_stats/v3/config_pb.js';
import { RouterSchema } from '../../gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import type { Protocol } from '../../model/service.js';
import { typedFilter, type TypedFilter } from './typed-config.js';

export const FAULT_FILTER = 'envoy.filters.http.fault';
export const CORS_FILTER = 'envoy.filters.http.cors';
export const ROUTER_FILTER = 'envoy.filters.http.router';
export const GRPC_STATS_FILTER = 'envoy.filters.http.grpc_stats';

export function isGrpcProtocol(protocol: Protocol | undefined): boolean {
  return protocol === 'GRPC' || protocol === 'GRPC-Web';
}

/**
 * Filters for an Envoy (sidecar or gateway) HCM; `protocol` is the port's, when known.
 * `authz` (RBAC filters, inbound only) go first, where istiod puts them after metadata exchange.
 */
export function envoyHttpFilters(protocol?: Protocol, authz: TypedFilter[] = []): TypedFilter[] {
  const filters: TypedFilter[] = [...authz];
  if (isGrpcProtocol(protocol)) {
    filters.push(
      typedFilter(GRPC_STATS_FILTER, GrpcStatsSchema, {
        emitFilterState: true,
        perMethodStatSpecifier: { case: 'statsForAllMethods', value: { value: false } },
      }),
    );
  }
  filters.push(typedFilter(FAULT_FILTER, HTTPFaultSchema));
  filters.push(typedFilter(CORS_FILTER, CorsSchema));
  filters.push(typedFilter(ROUTER_FILTER, RouterSchema));
  return filters;
}

/**
 * Proxyless gRPC understands fault and router only (a cors filter is NACKed unless optional);
 * the router must be last or the client rejects the listener.
 */
export function grpcHttpFilters(): TypedFilter[] {
  return [typedFilter(FAULT_FILTER, HTTPFaultSchema), typedFilter(ROUTER_FILTER, RouterSchema)];
}
