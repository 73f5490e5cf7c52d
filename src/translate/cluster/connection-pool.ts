// DestinationRule connectionPool → circuit breakers, connect timeout and upstream HTTP options
// (Istio's applyConnectionPool). Unset limits stay at Istio's "unlimited" (2^32-1), not Envoy's
// small defaults, because Envoy's defaults cause 503s during pod churn.
import { create } from '@bufbuild/protobuf';

import {
  CircuitBreakersSchema,
  CircuitBreakers_ThresholdsSchema,
  type CircuitBreakers_Thresholds,
} from '../../gen/envoy/config/cluster/v3/circuit_breaker_pb.js';
import { UpstreamConnectionOptionsSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { HttpProtocolOptionsSchema as CoreHttpProtocolOptionsSchema } from '../../gen/envoy/config/core/v3/protocol_pb.js';
import type { ConnectionPoolSettings } from '../../model/istio-types.js';
import { durationFromIstio } from '../common/duration.js';
import { httpOptionsOf, setUseDownstreamProtocol, type ClusterDraft } from './cluster-draft.js';

export const MAX_UINT32 = 4294967295;

export function defaultThresholds(): CircuitBreakers_Thresholds {
  return create(CircuitBreakers_ThresholdsSchema, {
    maxConnections: MAX_UINT32,
    maxPendingRequests: MAX_UINT32,
    maxRequests: MAX_UINT32,
    maxRetries: MAX_UINT32,
  });
}

function wholeSeconds(d: string): number {
  return Number(durationFromIstio(d).seconds);
}

/**
 * Applies `settings` (an empty object for "no policy": Istio still writes the default
 * thresholds and the mesh connect timeout then).
 */
export function applyConnectionPool(
  draft: ClusterDraft,
  settings: ConnectionPoolSettings,
  meshConnectTimeout: string,
): void {
  const c = draft.cluster;
  const threshold = defaultThresholds();
  const http = settings.http;
  const tcp = settings.tcp;
  let idleTimeout = http?.idleTimeout;
  const maxRequestsPerConnection = http?.maxRequestsPerConnection ?? 0;
  const maxConcurrentStreams = http?.maxConcurrentStreams ?? 0;

  if (http !== undefined) {
    // Zero means "unset" in Istio's API, so only positive values override the defaults.
    if ((http.http2MaxRequests ?? 0) > 0) threshold.maxRequests = http.http2MaxRequests;
    if ((http.http1MaxPendingRequests ?? 0) > 0)
      threshold.maxPendingRequests = http.http1MaxPendingRequests;
    if ((http.maxRetries ?? 0) > 0) threshold.maxRetries = http.maxRetries;
  }

  c.connectTimeout = durationFromIstio(tcp?.connectTimeout ?? meshConnectTimeout);
  if ((tcp?.maxConnections ?? 0) > 0) threshold.maxConnections = tcp?.maxConnections;
  const maxConnectionDuration = tcp?.maxConnectionDuration;
  idleTimeout ??= tcp?.idleTimeout;

  if (tcp?.tcpKeepalive !== undefined) {
    const ka = tcp.tcpKeepalive;
    c.upstreamConnectionOptions = create(UpstreamConnectionOptionsSchema, {
      tcpKeepalive: {
        keepaliveProbes: ka.probes !== undefined && ka.probes > 0 ? ka.probes : undefined,
        keepaliveTime: ka.time !== undefined ? wholeSeconds(ka.time) : undefined,
        keepaliveInterval: ka.interval !== undefined ? wholeSeconds(ka.interval) : undefined,
      },
    });
  }

  c.circuitBreakers = create(CircuitBreakersSchema, { thresholds: [threshold] });

  if (
    maxConnectionDuration !== undefined ||
    idleTimeout !== undefined ||
    maxRequestsPerConnection > 0 ||
    maxConcurrentStreams > 0
  ) {
    const opts = httpOptionsOf(draft);
    opts.commonHttpProtocolOptions ??= create(CoreHttpProtocolOptionsSchema, {});
    const common = opts.commonHttpProtocolOptions;
    if (idleTimeout !== undefined) common.idleTimeout = durationFromIstio(idleTimeout);
    if (maxRequestsPerConnection > 0) common.maxRequestsPerConnection = maxRequestsPerConnection;
    if (maxConnectionDuration !== undefined)
      common.maxConnectionDuration = durationFromIstio(maxConnectionDuration);
    const u = opts.upstreamProtocolOptions;
    if (
      maxConcurrentStreams > 0 &&
      u.case === 'explicitHttpConfig' &&
      u.value.protocolConfig.case === 'http2ProtocolOptions'
    ) {
      u.value.protocolConfig.value.maxConcurrentStreams = maxConcurrentStreams;
    }
  }
  if (http?.useClientProtocol === true) setUseDownstreamProtocol(draft);
}
