// Destinations of a VirtualService: short host resolution in the VirtualService's namespace and
// the cluster a destination names (istio GetDestinationCluster).
import type { Destination } from '../../model/istio-types.js';
import type { Service } from '../../model/service.js';
import { outboundClusterName } from '../common/cluster-name.js';

/**
 * Istio's ResolveShortnameToFQDN: a name without a dot (and not `*`) is a Kubernetes short name
 * in the config's namespace; anything with a dot is taken as already qualified. Idempotent.
 */
export function resolveShortname(host: string, namespace: string, domainSuffix: string): string {
  if (host === '*' || host.includes('.')) return host;
  return `${host}.${namespace}.svc.${domainSuffix}`;
}

/**
 * Resolves a VirtualService gateway reference: `mesh` stays, `name` → `<vs ns>/name`,
 * `ns/name` stays.
 */
export function resolveGatewayName(gateway: string, vsNamespace: string): string {
  if (gateway === 'mesh' || gateway.includes('/')) return gateway;
  return `${vsNamespace}/${gateway}`;
}

/**
 * `outbound|<port>|<subset>|<host>`: the port is the destination's, else the service's only port,
 * else the listener port. ExternalName-style aliases are not modelled.
 */
export function destinationCluster(
  destination: Destination,
  service: Service | undefined,
  listenerPort: number,
): string {
  if (!destination.host) return 'UnknownService';
  let port = listenerPort;
  if (destination.port?.number) port = destination.port.number;
  else if (service && service.ports.length === 1) port = service.ports[0].port;
  return outboundClusterName(port, destination.subset, destination.host);
}
