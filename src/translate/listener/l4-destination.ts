// Picks the destination cluster for TCP and TLS traffic from a VirtualService's tcp/tls routes
// (the first route whose match applies wins; several destinations become weighted clusters).
import type { ResolvedVirtualService } from '../../model/push-context.js';
import type { Destination, RouteDestination } from '../../model/istio-types.js';
import type { PushContext } from '../../model/push-context.js';
import { outboundClusterName } from '../common/cluster-name.js';

export interface WeightedCluster {
  name: string;
  weight: number;
}

/** Short names (no dot) resolve in the VirtualService's namespace, as Istio does. */
export function resolveDestinationHost(
  host: string,
  namespace: string,
  domainSuffix: string,
): string {
  return host.includes('.') || host.includes('*')
    ? host
    : `${host}.${namespace}.svc.${domainSuffix}`;
}

/** Cluster name for a destination; the port defaults to the single port of the service, else the listener port. */
export function destinationCluster(
  dest: Destination,
  vsNamespace: string,
  listenerPort: number,
  push: PushContext,
  proxyNamespace: string,
): string {
  const host = resolveDestinationHost(dest.host, vsNamespace, push.mesh.domainSuffix);
  let port = dest.port?.number;
  if (port === undefined) {
    const svc = push.serviceForHost(host, proxyNamespace);
    port = svc && svc.ports.length === 1 ? svc.ports[0].port : listenerPort;
  }
  return outboundClusterName(port, dest.subset, host);
}

/** Weight-0 destinations are dropped; a lone destination gets weight 100. */
export function weightedDestinations(
  routes: readonly RouteDestination[],
  vs: ResolvedVirtualService,
  listenerPort: number,
  push: PushContext,
  proxyNamespace: string,
): WeightedCluster[] {
  const ns = vs.resource.metadata.namespace;
  if (routes.length === 1) {
    return [
      {
        name: destinationCluster(routes[0].destination, ns, listenerPort, push, proxyNamespace),
        weight: 100,
      },
    ];
  }
  return routes
    .filter((r) => (r.weight ?? 0) > 0)
    .map((r) => ({
      name: destinationCluster(r.destination, ns, listenerPort, push, proxyNamespace),
      weight: r.weight ?? 0,
    }));
}

/** The l4 match applies to a sidecar on `port` (gateways other than mesh are not ours here). */
export function l4MatchApplies(
  match:
    | {
        port?: number;
        gateways?: string[];
        sourceLabels?: Record<string, string>;
        sourceNamespace?: string;
      }
    | undefined,
  port: number,
  proxyLabels: Record<string, string>,
  proxyNamespace: string,
  gateway: string,
): boolean {
  if (!match) return true;
  if (match.port !== undefined && match.port !== port) return false;
  if (match.gateways && match.gateways.length > 0 && !match.gateways.includes(gateway))
    return false;
  if (match.sourceNamespace !== undefined && match.sourceNamespace !== proxyNamespace) return false;
  if (match.sourceLabels) {
    for (const [k, v] of Object.entries(match.sourceLabels)) if (proxyLabels[k] !== v) return false;
  }
  return true;
}
