// Istio's RDS names for gateway servers (gatewayRDSRouteName): plain HTTP servers share
// `http.<port>` per server port; each TLS-terminating HTTPS server gets its own
// `https.<port>.<port name>.<gateway name>.<gateway namespace>`; a `bind` adds `.<bind>`.
// Passthrough / TCP servers have no route configuration.
import type { ConfigResource } from '../../model/config.js';
import type { GatewaySpec, Server } from '../../model/istio-types.js';
import { toProtocol } from './inbound-ports.js';
import { listenerClass } from './protocol-class.js';

export function isPassthroughServer(server: Server): boolean {
  const mode = server.tls?.mode;
  return mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
}

export function gatewayRouteName(server: Server, gateway: ConfigResource<GatewaySpec>): string {
  const protocol = toProtocol(server.port.protocol);
  const bind = server.bind ? `.${server.bind}` : '';
  if (listenerClass(protocol) === 'http') return `http.${server.port.number}${bind}`;
  if (protocol === 'HTTPS' && !isPassthroughServer(server)) {
    const { name, namespace } = gateway.metadata;
    return `https.${server.port.number}.${server.port.name ?? ''}.${name}.${namespace}${bind}`;
  }
  return '';
}
