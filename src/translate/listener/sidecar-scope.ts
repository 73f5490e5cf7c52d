// What a sidecar may see (Istio's SidecarScope): the services exported to its namespace,
// narrowed by the egress hosts of the Sidecar resource that applies to it, and the outbound
// traffic policy. Computed once per proxy by translateProxy and handed to the route, cluster
// and listener builders as predicates, so every builder agrees on visibility.
import type { ConfigResource } from '../../model/config.js';
import type { SidecarSpec } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';

export interface SidecarScope {
  sidecar?: ConfigResource<SidecarSpec>;
  outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** Visible services, sorted by hostname. */
  services: readonly Service[];
  /** The service is visible on at least one of its ports. */
  isServiceVisible(service: Service): boolean;
  /** The service's port is visible (egress listeners may be bound to one port). */
  isServicePortVisible(service: Service, port: number): boolean;
  /** A config object (VirtualService, ...) in `namespace` for `host` is imported. */
  isHostVisible(namespace: string, host: string): boolean;
}

/** `host` matches an egress dnsName: `*`, `*.suffix` or an exact name (case-insensitive). */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) {
    // A wildcard host on the config side (`*.example.com`) is covered by an equal pattern.
    return h.endsWith(p.slice(1)) || h === p;
  }
  return p === h;
}

interface EgressHost {
  namespace: string;
  dnsName: string;
}

/** Parses `ns/dnsName` (`.` = the Sidecar's namespace, `~` = nothing, `*` = any). */
export function parseEgressHost(entry: string, sidecarNamespace: string): EgressHost {
  const slash = entry.indexOf('/');
  const ns = slash < 0 ? '*' : entry.slice(0, slash);
  const dnsName = slash < 0 ? entry : entry.slice(slash + 1);
  return { namespace: ns === '.' ? sidecarNamespace : ns, dnsName };
}

function egressAllows(hosts: readonly EgressHost[], namespace: string, host: string): boolean {
  return hosts.some(
    (h) =>
      h.namespace !== '~' &&
      (h.namespace === '*' || h.namespace === namespace) &&
      hostMatches(h.dnsName, host),
  );
}

export function buildSidecarScope(proxy: Proxy, push: PushContext): SidecarScope {
  const exported = push.servicesVisibleTo(proxy.namespace);
  const sidecar =
    proxy.type === 'sidecar' ? push.sidecarFor(proxy.namespace, proxy.labels) : undefined;
  const policy =
    sidecar?.spec.outboundTrafficPolicy?.mode ?? push.mesh.outboundTrafficPolicy ?? 'ALLOW_ANY';
  const egress = sidecar?.spec.egress ?? [];
  if (egress.length === 0) {
    return {
      sidecar,
      outboundTrafficPolicy: policy,
      services: exported,
      isServiceVisible: () => true,
      isServicePortVisible: () => true,
      isHostVisible: () => true,
    };
  }
  const sidecarNs = sidecar?.metadata.namespace ?? proxy.namespace;
  const listeners = egress.map((e) => ({
    port: e.port?.number,
    hosts: e.hosts.map((h) => parseEgressHost(h, sidecarNs)),
  }));
  const allHosts = listeners.flatMap((l) => l.hosts);
  const portVisible = (svc: Service, port: number): boolean =>
    listeners.some(
      (l) =>
        (l.port === undefined || l.port === port) &&
        egressAllows(l.hosts, svc.namespace, svc.hostname),
    );
  const services = exported.filter((svc) => svc.ports.some((p) => portVisible(svc, p.port)));
  const visible = new Set(services);
  return {
    sidecar,
    outboundTrafficPolicy: policy,
    services,
    isServiceVisible: (svc) =>
      visible.has(svc) ||
      services.some((s) => s.hostname === svc.hostname && s.namespace === svc.namespace),
    isServicePortVisible: portVisible,
    isHostVisible: (namespace, host) => egressAllows(allHosts, namespace, host),
  };
}
