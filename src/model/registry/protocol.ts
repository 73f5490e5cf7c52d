// Istio's protocol inference for service ports (pkg/config/protocol and pkg/config/kube).
//
// Translation contract for 'Unsupported': Istio calls an undeclared protocol "auto". On a
// sidecar's outbound side such a port gets protocol sniffing (an HTTP and a TCP filter chain
// on one listener); inbound likewise. Translation that does not implement sniffing should treat
// 'Unsupported' as TCP (plain tcp_proxy), which is what istiod falls back to for gateways and
// for proxyless gRPC clients.
import type { Protocol } from '../service.js';

const BY_NAME: Record<string, Protocol> = {
  tcp: 'TCP',
  udp: 'UDP',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  http: 'HTTP',
  http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2',
  https: 'HTTPS',
  tls: 'TLS',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};

/** Istio's protocol.Parse: case-insensitive exact name, anything else is 'Unsupported'. */
export function parseProtocol(name: string | undefined): Protocol {
  if (!name) return 'Unsupported';
  return BY_NAME[name.toLowerCase()] ?? 'Unsupported';
}

/** Ports where Istio assumes TCP rather than sniffing when the name says nothing (SMTP, DNS, MySQL, MongoDB). */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

/**
 * Protocol of a Kubernetes Service port: UDP when the L4 protocol is UDP; else appProtocol
 * (which wins over the name; `kubernetes.io/h2c|ws|wss` are understood); else the port name's
 * prefix before the first `-` (`http-web` → HTTP, `grpc-web*` → GRPC-Web). Unknown names are
 * 'Unsupported' (Istio's "auto"), except on the well-known TCP ports.
 */
export function kubePortProtocol(
  port: number,
  name: string | undefined,
  l4Protocol: string | undefined,
  appProtocol: string | undefined,
): Protocol {
  if (l4Protocol === 'UDP') return 'UDP';
  let source = name ?? '';
  if (appProtocol !== undefined && appProtocol !== '') {
    source = appProtocol;
    if (source === 'kubernetes.io/h2c') return 'HTTP2';
    if (source === 'kubernetes.io/ws') return 'HTTP';
    if (source === 'kubernetes.io/wss') return 'HTTPS';
  }
  if (source.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  const dash = source.indexOf('-');
  const prefix = dash >= 0 ? source.slice(0, dash) : source;
  const p = parseProtocol(prefix);
  if (p === 'Unsupported' && WELL_KNOWN_TCP_PORTS.has(port)) return 'TCP';
  return p;
}
