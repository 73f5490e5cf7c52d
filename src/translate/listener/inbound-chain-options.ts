// Which inbound filter chains a workload port gets, by its protocol class and effective mTLS
// mode (Istio's FilterChainMatchOptions tables in listener_builder / mtls.go). Each option is
// one chain: its transport protocol and ALPN match, whether it terminates Istio mTLS, and
// whether it hands the bytes to an HCM (http) or tcp_proxy (tcp). An undeclared protocol gets
// both kinds, told apart by ALPN. The catch-all passthrough chains use the undeclared table.
import type { EffectiveMtls } from './peer-authentication.js';
import {
  ALL_ISTIO_MTLS_ALPNS,
  MTLS_HTTP_ALPNS,
  MTLS_TCP_ALPNS,
  PLAINTEXT_HTTP_ALPNS,
} from './well-known-names.js';

export interface ChainOption {
  transportProtocol: 'tls' | 'raw_buffer';
  applicationProtocols: readonly string[];
  /** Terminate Istio mTLS on this chain. */
  mtls: boolean;
  protocol: 'http' | 'tcp';
}

const opt = (
  transportProtocol: ChainOption['transportProtocol'],
  protocol: ChainOption['protocol'],
  mtls: boolean,
  applicationProtocols: readonly string[] = [],
): ChainOption => ({ transportProtocol, protocol, mtls, applicationProtocols });

const TABLE: Record<'http' | 'tcp' | 'auto', Record<EffectiveMtls, ChainOption[]>> = {
  http: {
    PERMISSIVE: [opt('tls', 'http', true, ALL_ISTIO_MTLS_ALPNS), opt('raw_buffer', 'http', false)],
    STRICT: [opt('tls', 'http', true)],
    DISABLE: [opt('raw_buffer', 'http', false)],
  },
  tcp: {
    PERMISSIVE: [
      opt('tls', 'tcp', true, ALL_ISTIO_MTLS_ALPNS),
      // One-way TLS from a client without a sidecar: proxied as opaque TCP.
      opt('tls', 'tcp', false),
      opt('raw_buffer', 'tcp', false),
    ],
    STRICT: [opt('tls', 'tcp', true)],
    DISABLE: [opt('raw_buffer', 'tcp', false)],
  },
  auto: {
    PERMISSIVE: [
      opt('tls', 'http', true, MTLS_HTTP_ALPNS),
      opt('raw_buffer', 'http', false, PLAINTEXT_HTTP_ALPNS),
      opt('tls', 'tcp', true, MTLS_TCP_ALPNS),
      opt('raw_buffer', 'tcp', false),
      opt('tls', 'tcp', false),
    ],
    STRICT: [opt('tls', 'http', true, MTLS_HTTP_ALPNS), opt('tls', 'tcp', true)],
    DISABLE: [
      opt('raw_buffer', 'http', false, PLAINTEXT_HTTP_ALPNS),
      opt('raw_buffer', 'tcp', false),
    ],
  },
};

export function inboundChainOptions(
  kind: 'http' | 'tcp' | 'auto',
  mode: EffectiveMtls,
): ChainOption[] {
  return TABLE[kind][mode];
}
