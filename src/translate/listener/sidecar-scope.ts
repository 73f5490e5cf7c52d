// What a sidecar may see (Istio's SidecarScope): the services exported to its namespace,
// narrowed by the egress hosts of the Sidecar resource that applies to it, and the outbound
// traffic policy. Computed once per proxy by translateProxy and handed to the route, cluster
// and listener builders as predicates, so every builder agrees on visibility.
import type { ConfigResource } from '../../model/config.js';
import type { SidecarSpec } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Protocol, Service } from '../../model/service.js';
import { toProtocol } from './inbound-ports.js';

/**
 * One Sidecar egress listener as the outbound builders see it (Istio's egress listener wrapper):
 * the listeners of a proxy are built from these in order, explicit ports first, the catch-all
 * (no port) last; the route configuration of port P uses the first one with port P, else the
 * catch-all.
 */
export interface EgressListenerScope {
  /** The egress port (its protocol decides the listener shape); undefined: the catch-all. */
  port?: { number: number; protocol: Protocol; name?: string };
  /** Address to listen on (an IP or `unix://...`); empty: Istio picks VIPs / wildcard. */
  bind?: string;
  captureMode: 'DEFAULT' | 'IPTABLES' | 'NONE';
  /** Imported services, sorted by hostname; trimmed to the egress port when it has one. */
  services: readonly Service[];
  /** The service (by hostname and namespace) is among `services`. */
  isServiceImported(service: Service): boolean;
  /** A VirtualService in `namespace` for `host` is imported by this listener. */
  isHostVisible(namespace: string, host: string): boolean;
}

export interface SidecarScope {
  sidecar?: ConfigResource<SidecarSpec>;
  /** Never empty: without Sidecar egress config, one catch-all importing everything. */
  egressListeners: readonly EgressListenerScope[];
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

/** Istio's GetEgressListenerForRDS: the first listener on `port`, else the catch-all. */
export function egressListenerFor(
  scope: SidecarScope,
  port: number,
): EgressListenerScope | undefined {
  return (
    scope.egressListeners.find((l) => l.port?.number === port) ??
    scope.egressListeners.find((l) => l.port === undefined)
  );
}

const sameService = (a: Service, b: Service): boolean =>
  a.hostname === b.hostname && a.namespace === b.namespace;

/** Istio trims an imported multi-port service to the egress port (HTTP_PROXY ports excepted). */
function importOnPort(svc: Service, port: EgressListenerScope['port']): Service | undefined {
  if (port === undefined || port.number === 0 || port.protocol === 'HTTP_PROXY') return svc;
  const p = svc.ports.find((x) => x.port === port.number);
  if (p === undefined) return undefined;
  return svc.ports.length === 1 ? svc : { ...svc, ports: [p] };
}

function egressListenerScope(
  exported: readonly Service[],
  listener: NonNullable<SidecarSpec['egress']>[number] | undefined,
  sidecarNs: string,
): EgressListenerScope {
  const port =
    listener?.port === undefined
      ? undefined
      : {
          number: listener.port.number,
          protocol: toProtocol(listener.port.protocol),
          name: listener.port.name,
        };
  const hosts = listener?.hosts.map((h) => parseEgressHost(h, sidecarNs));
  const allows = (namespace: string, host: string): boolean =>
    hosts === undefined || egressAllows(hosts, namespace, host);
  const services: Service[] = [];
  for (const svc of exported) {
    if (!allows(svc.namespace, svc.hostname)) continue;
    const imported = importOnPort(svc, port);
    if (imported) services.push(imported);
  }
  return {
    port,
    bind: listener?.bind || undefined,
    captureMode: listener?.captureMode ?? 'DEFAULT',
    services,
    isServiceImported: (svc) => services.some((s) => sameService(s, svc)),
    isHostVisible: allows,
  };
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
      egressListeners: [egressListenerScope(exported, undefined, proxy.namespace)],
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
  // Validation puts the catch-all last; keep it there whatever the input order.
  const ordered = [...egress.filter((e) => e.port), ...egress.filter((e) => !e.port)];
  return {
    sidecar,
    egressListeners: ordered.map((e) => egressListenerScope(exported, e, sidecarNs)),
    outboundTrafficPolicy: policy,
    services,
    isServiceVisible: (svc) =>
      visible.has(svc) ||
      services.some((s) => s.hostname === svc.hostname && s.namespace === svc.namespace),
    isServicePortVisible: portVisible,
    isHostVisible: (namespace, host) => egressAllows(allHosts, namespace, host),
  };
}
