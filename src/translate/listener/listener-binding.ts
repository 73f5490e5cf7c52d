// Where a Sidecar-configured listener listens, and whether it owns a real socket (istiod's
// listener binding). With iptables capture (captureMode DEFAULT / IPTABLES) listeners are
// virtual: bind_to_port false, reached through virtualOutbound / virtualInbound by original
// destination. captureMode NONE asks for a real socket, used where nothing redirects traffic
// (VMs, containers without iptables): the app connects to the sidecar's address itself.
import type { IstioEgressListener, IstioIngressListener } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import { seconds } from './typed-config.js';

export interface ListenerBinding {
  /** Explicit listen address; undefined lets the listener pick (VIP or wildcard). */
  address?: string;
  bindToPort: boolean;
}

const isV6 = (ip: string): boolean => ip.includes(':');

function proxyIps(proxy: Proxy): string[] {
  return proxy.ips.length > 0 ? proxy.ips : [proxy.ip];
}

/** 127.0.0.1, or ::1 for an IPv6-only proxy. */
export function localhostFor(proxy: Proxy): string {
  return proxyIps(proxy).every(isV6) ? '::1' : '127.0.0.1';
}

/** 0.0.0.0, or :: for an IPv6-only proxy. */
export function wildcardFor(proxy: Proxy): string {
  return proxyIps(proxy).every(isV6) ? '::' : '0.0.0.0';
}

/** An IP that is neither loopback, link-local, multicast nor unspecified (Go's IsGlobalUnicast). */
function isGlobalUnicast(ip: string): boolean {
  if (isV6(ip)) {
    const l = ip.toLowerCase();
    return !(l === '::' || l === '::1' || l.startsWith('fe8') || l.startsWith('ff'));
  }
  const [a = 0, b = 0] = ip.split('.').map(Number);
  if (ip === '0.0.0.0' || ip === '255.255.255.255') return false;
  return !(a === 127 || (a === 169 && b === 254) || a >= 224);
}

/**
 * Egress: captureMode NONE (or a unix socket bind) binds for real; a bound listener without an
 * explicit bind listens on localhost, an unbound one keeps the user's bind for its name only.
 */
export function egressBinding(
  proxy: Proxy,
  listener: Pick<IstioEgressListener, 'bind' | 'captureMode'>,
): ListenerBinding {
  const bind = listener.bind || undefined;
  const bindToPort = listener.captureMode === 'NONE' || (bind?.startsWith('unix://') ?? false);
  return { address: bind ?? (bindToPort ? localhostFor(proxy) : undefined), bindToPort };
}

/**
 * Ingress: only captureMode NONE binds (bind alone just names the chain). The default address is
 * the proxy's first global unicast IP (its pod IP), else the wildcard.
 */
export function ingressBinding(
  proxy: Proxy,
  listener: Pick<IstioIngressListener, 'bind' | 'captureMode'>,
): Required<ListenerBinding> {
  const address = listener.bind || proxyIps(proxy).find(isGlobalUnicast) || wildcardFor(proxy);
  return { address, bindToPort: listener.captureMode === 'NONE' };
}

/**
 * Fields istiod sets on listeners that own a socket: accept one connection per socket event
 * (MAX_CONNECTIONS_PER_SOCKET_EVENT_LOOP default), and no listener filter timeout (mesh
 * protocolDetectionTimeout default 0s) so server-first protocols are not held back.
 */
export function boundListenerFields(): {
  maxConnectionsToAcceptPerSocketEvent: number;
  continueOnListenerFiltersTimeout: boolean;
  listenerFiltersTimeout: { seconds: bigint; nanos: number };
} {
  return {
    maxConnectionsToAcceptPerSocketEvent: 1,
    continueOnListenerFiltersTimeout: true,
    listenerFiltersTimeout: seconds(0),
  };
}
