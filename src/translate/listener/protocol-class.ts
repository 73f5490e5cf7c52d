// How a service port's protocol decides the outbound listener shape (Istio's
// ModelProtocolToListenerProtocol): HTTP family → HCM, TLS family → SNI chains, undeclared →
// protocol sniffing, everything else → plain TCP proxying. UDP gets no listener.
import type { Protocol } from '../../model/service.js';

export type ListenerClass = 'http' | 'tls' | 'tcp' | 'auto' | 'none';

export function listenerClass(protocol: Protocol): ListenerClass {
  switch (protocol) {
    case 'HTTP':
    case 'HTTP2':
    case 'HTTP_PROXY':
    case 'GRPC':
    case 'GRPC-Web':
      return 'http';
    case 'HTTPS':
    case 'TLS':
      return 'tls';
    case 'Unsupported':
      return 'auto';
    case 'UDP':
      return 'none';
    default:
      return 'tcp';
  }
}
