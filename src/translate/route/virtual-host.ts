// Sidecar (and proxyless gRPC) outbound virtual hosts for one listener port (istio httproute.go
// BuildSidecarOutboundVirtualHosts + route.go BuildSidecarVirtualHostWrapper): one vhost per
// VirtualService host or service (`<host>:<port>`), the oldest VirtualService winning a name.
import { create } from '@bufbuild/protobuf';

import type { ResolvedVirtualService, PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import type { Protocol, Service } from '../../model/service.js';
import {
  VirtualHostSchema,
  type Route,
  type VirtualHost,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { configMetadata } from './config-metadata.js';
import { defaultOutboundRoute } from './default-route.js';
import { consistentHashForDestination, consistentHashForServicePort } from './hash-policy.js';
import { hostsMatch, isWildcard } from './host-match.js';
import { buildHttpRoutesForVirtualService } from './http-route.js';
import type { RouteOptions } from './route-options.js';
import { serviceVirtualHostDomains } from './virtual-host-domains.js';

const HTTP_OR_SNIFFED: ReadonlySet<Protocol> = new Set<Protocol>([
  'HTTP',
  'HTTP2',
  'HTTP_PROXY',
  'GRPC',
  'GRPC-Web',
  'Unsupported',
]);

export const isHttpOrSniffed = (p: Protocol): boolean => HTTP_OR_SNIFFED.has(p);

export interface OutboundVirtualHostInput {
  proxy: Proxy;
  push: PushContext;
  listenerPort: number;
  /** Proxyless gRPC: domains carry `:port`, grpc route semantics. */
  grpc?: boolean;
  /** Sidecar egress scoping (Sidecar resource hosts); default: everything visible. */
  includeService?: (svc: Service) => boolean;
  includeVirtualService?: (vs: ResolvedVirtualService) => boolean;
}

interface Wrapper {
  port: number;
  services: Service[];
  vsHosts: string[];
  routes: Route[];
  vs?: ResolvedVirtualService;
}

const vsKey = (vs: ResolvedVirtualService): string =>
  `${vs.resource.metadata.namespace}/${vs.resource.metadata.name}`;

/** The services the proxy sees, one per hostname, restricted to `port` (Istio's per-port registry). */
function servicesOnPort(input: OutboundVirtualHostInput): Map<string, Service> {
  const { push, proxy, listenerPort } = input;
  const out = new Map<string, Service>();
  for (const s of push.servicesVisibleTo(proxy.namespace)) {
    if (out.has(s.hostname)) continue;
    const svc = push.serviceForHost(s.hostname, proxy.namespace) ?? s;
    if (input.includeService && !input.includeService(svc)) continue;
    const port = svc.ports.find((p) => p.port === listenerPort);
    if (port) out.set(svc.hostname, { ...svc, ports: [port] });
  }
  return out;
}

/** For each service host, the VirtualService with the most specific wildcard host covering it. */
function mostSpecificWildcardIndex(
  vss: readonly ResolvedVirtualService[],
  services: Map<string, Service>,
): Map<string, string> {
  const best = new Map<string, { key: string; host: string }>();
  for (const vs of vss) {
    for (const h of vs.hosts) {
      if (!isWildcard(h)) continue;
      for (const svcHost of services.keys()) {
        if (!hostsMatch(svcHost, h)) continue;
        const cur = best.get(svcHost);
        if (!cur || h.length > cur.host.length) best.set(svcHost, { key: vsKey(vs), host: h });
      }
    }
  }
  return new Map([...best].map(([k, v]) => [k, v.key]));
}

function wrappersForVirtualService(
  vs: ResolvedVirtualService,
  services: Map<string, Service>,
  wildcardIndex: Map<string, string>,
  opts: RouteOptions,
): Wrapper[] {
  const routes = buildHttpRoutesForVirtualService(vs.resource, opts);
  if (routes.length === 0) return [];
  const vsHosts: string[] = [];
  const matching: Service[] = [];
  for (const h of vs.hosts.filter((x) => !isWildcard(x))) {
    const svc = services.get(h);
    if (svc) matching.push(svc);
    else vsHosts.push(h);
  }
  for (const h of vs.hosts.filter(isWildcard)) {
    let found = false;
    for (const [svcHost, svc] of services) {
      if (!hostsMatch(svcHost, h)) continue;
      found = true;
      if (wildcardIndex.get(svcHost) === vsKey(vs) && !matching.includes(svc)) matching.push(svc);
    }
    if (!found) vsHosts.push(h);
  }
  const httpServices = matching.filter((s) => s.ports.some((p) => isHttpOrSniffed(p.protocol)));
  if (httpServices.length > 0) {
    return [{ port: opts.listenerPort, services: httpServices, vsHosts, routes, vs }];
  }
  // istiod keeps registry-less VirtualService hosts only on port 80.
  if (opts.listenerPort === 80) return [{ port: 80, services: [], vsHosts, routes, vs }];
  return [];
}

/** Builds the options used for every VirtualService on this port. */
function routeOptions(
  input: OutboundVirtualHostInput,
  services: Map<string, Service>,
): RouteOptions {
  const { proxy, push } = input;
  return {
    proxy,
    mesh: push.mesh,
    listenerPort: input.listenerPort,
    gatewayNames: new Set(['mesh']),
    lookupService: (h) => services.get(h),
    lookupHash: (d) =>
      consistentHashForDestination(
        push.destinationRule(proxy.namespace, d.host, proxy.labels)?.spec,
        d,
      ),
    grpc: input.grpc ?? false,
  };
}

/** Virtual hosts sorted by name (without the catch-all). */
export function buildOutboundVirtualHosts(input: OutboundVirtualHostInput): VirtualHost[] {
  const { proxy, push, listenerPort } = input;
  const services = servicesOnPort(input);
  const opts = routeOptions(input, services);

  let vss = push.virtualServicesFor(proxy.namespace, 'mesh');
  if (input.includeVirtualService) vss = vss.filter(input.includeVirtualService);
  // istiod only considers VirtualServices naming a service on this port (port 80 excepted).
  if (listenerPort !== 80) {
    vss = vss.filter((vs) =>
      vs.hosts.some((h) => [...services.keys()].some((s) => hostsMatch(h, s))),
    );
  }
  const wildcardIndex = mostSpecificWildcardIndex(vss, services);

  const wrappers: Wrapper[] = vss.flatMap((vs) =>
    wrappersForVirtualService(vs, services, wildcardIndex, opts),
  );
  const covered = new Set(wrappers.flatMap((w) => w.services.map((s) => s.hostname)));
  const rest = [...services.values()]
    .filter((s) => !covered.has(s.hostname))
    .sort((a, b) => (a.hostname < b.hostname ? -1 : 1));
  for (const svc of rest) {
    for (const port of svc.ports) {
      if (!isHttpOrSniffed(port.protocol)) continue;
      const rule = push.destinationRule(proxy.namespace, svc.hostname, proxy.labels)?.spec;
      const hash = consistentHashForServicePort(rule, port.port);
      wrappers.push({
        port: port.port,
        services: [svc],
        vsHosts: [],
        routes: [defaultOutboundRoute(svc.hostname, port.port, hash)],
      });
    }
  }

  const knownFqdn = new Set<string>();
  for (const w of wrappers) {
    for (const s of w.services) knownFqdn.add(`${s.hostname}:${w.port}`).add(s.hostname);
  }
  const names = new Set<string>();
  const usedDomains = new Set<string>();
  const domainPort = input.grpc ? listenerPort : undefined;
  const out: VirtualHost[] = [];
  const build = (hostname: string, w: Wrapper, svc?: Service): void => {
    const name = `${hostname}:${w.port}`;
    // A name already taken (an older VirtualService, or a service's own vhost) wins.
    if (names.has(name)) return;
    names.add(name);
    let domains: string[];
    let altHosts: string[] = [];
    if (svc) {
      ({ domains, altHosts } = serviceVirtualHostDomains(
        svc,
        domainPort,
        proxy.namespace,
        push.mesh.domainSuffix,
      ));
    } else {
      domains = domainPort === undefined ? [hostname] : [hostname, name];
    }
    domains = domains.filter((d) => {
      const key = d.toLowerCase();
      if (usedDomains.has(key)) return false;
      // A short form must not shadow a real FQDN of the same spelling.
      if (altHosts.includes(d) && knownFqdn.has(d)) return false;
      usedDomains.add(key);
      return true;
    });
    if (domains.length === 0) return;
    out.push(
      create(VirtualHostSchema, {
        name,
        domains,
        routes: w.routes,
        includeRequestAttemptCount: true,
        metadata: w.vs ? configMetadata(w.vs.resource) : undefined,
      }),
    );
  };
  for (const w of wrappers) {
    if (w.routes.length === 0 || w.port !== listenerPort) continue;
    for (const h of w.vsHosts) build(h, w);
    for (const s of w.services) build(s.hostname, w, s);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
