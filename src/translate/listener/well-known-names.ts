// Names of the fixed clusters and listeners istiod generates for every sidecar.
export {
  BLACKHOLE_CLUSTER,
  INBOUND_PASSTHROUGH_CLUSTER,
  PASSTHROUGH_CLUSTER,
} from '../common/cluster-name.js';

export const VIRTUAL_OUTBOUND = 'virtualOutbound';
export const VIRTUAL_INBOUND = 'virtualInbound';
export const VIRTUAL_OUTBOUND_PORT = 15001;
export const VIRTUAL_INBOUND_PORT = 15006;

export const LISTENER_ORIGINAL_DST = 'envoy.filters.listener.original_dst';
export const LISTENER_TLS_INSPECTOR = 'envoy.filters.listener.tls_inspector';
export const LISTENER_HTTP_INSPECTOR = 'envoy.filters.listener.http_inspector';

/** ALPN values an Istio client sidecar offers on mTLS connections (its alpn filter sets them). */
export const MTLS_HTTP_ALPNS = ['istio-http/1.0', 'istio-http/1.1', 'istio-h2'];
export const MTLS_TCP_ALPNS = ['istio-peer-exchange', 'istio'];
export const ALL_ISTIO_MTLS_ALPNS = ['istio', 'istio-peer-exchange', ...MTLS_HTTP_ALPNS];
/** ALPN http_inspector reports for plaintext HTTP (HTTP/1.0 is off by default in Istio). */
export const PLAINTEXT_HTTP_ALPNS = ['http/1.1', 'h2c'];

/** Istio's wildcard listener address and the name it gives listeners bound to it. */
export const WILDCARD_ADDRESS = '0.0.0.0';
export function listenerName(address: string, port: number): string {
  return `${address}_${port}`;
}
