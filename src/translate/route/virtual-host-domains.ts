// The `domains` of a sidecar virtual host for a registry service (istio httproute.go
// generateVirtualHostDomains). Envoy sidecars use ignore_port_in_host_matching, so names are
// listed without ports; proxyless gRPC matches `host:port`, so each name is also listed with it.
import type { Service } from '../../model/service.js';

const bracketV6 = (h: string): string => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);

function withPort(domain: string, port: number | undefined): string[] {
  const d = bracketV6(domain);
  return port === undefined ? [d] : [d, `${d}:${port}`];
}

/**
 * Short forms a proxy in `proxyNamespace` may use for a Kubernetes service name: in the same
 * namespace `name`, `name.ns.svc`, `name.ns`; elsewhere only `name.ns`, `name.ns.svc`.
 * Non-Kubernetes names get none (they could collide with other services' expansions).
 */
export function altVirtualHosts(
  hostname: string,
  port: number | undefined,
  proxyNamespace: string,
  domainSuffix: string,
): string[] {
  const svcSuffix = `.svc.${domainSuffix}`;
  if (!hostname.endsWith(svcSuffix)) return [];
  const ih = hostname.indexOf('.svc.');
  const dot = hostname.indexOf('.');
  if (ih <= 0 || dot + 1 > ih) return [];
  const name = hostname.slice(0, dot);
  const nameNs = hostname.slice(0, ih);
  const ns = hostname.slice(dot + 1, ih);
  if (ns === proxyNamespace) {
    return [...withPort(name, port), ...withPort(`${nameNs}.svc`, port), ...withPort(nameNs, port)];
  }
  return [...withPort(nameNs, port), ...withPort(`${nameNs}.svc`, port)];
}

export interface VirtualHostDomains {
  domains: string[];
  /** The expanded short forms, which must not shadow a real FQDN of the same name. */
  altHosts: string[];
}

/** `port` undefined = Envoy sidecar (no port variants). */
export function serviceVirtualHostDomains(
  svc: Service,
  port: number | undefined,
  proxyNamespace: string,
  domainSuffix: string,
): VirtualHostDomains {
  const altHosts = altVirtualHosts(svc.hostname, port, proxyNamespace, domainSuffix);
  const domains = [...withPort(svc.hostname, port), ...altHosts];
  // Headless Kubernetes services are also reachable as `<pod>.<service>`.
  if (svc.resolution === 'Passthrough' && svc.registry === 'Kubernetes') {
    domains.push(...domains.map((d) => `*.${d}`));
  }
  for (const addr of svc.addresses) {
    if (addr !== '' && addr !== '0.0.0.0') domains.push(...withPort(addr, port));
  }
  return { domains, altHosts };
}
