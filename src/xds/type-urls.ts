// The xDS type URLs the server treats specially, and the order in which it pushes types.
// Everything else (SDS, ECDS, ...) is served generically, after the well-known types.

export const LISTENER_TYPE = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const ROUTE_TYPE = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
export const CLUSTER_TYPE = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const ENDPOINT_TYPE = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
export const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

/**
 * CDS before EDS before LDS before RDS: a proxy must already hold every cluster (and its
 * endpoints) a listener or route names, or it would briefly route to nothing.
 */
export const PUSH_ORDER: readonly string[] = [
  CLUSTER_TYPE,
  ENDPOINT_TYPE,
  LISTENER_TYPE,
  ROUTE_TYPE,
];

/** Sorts type URLs into push order; unknown types keep their relative order, after the known ones. */
export function sortByPushOrder(typeUrls: Iterable<string>): string[] {
  const rank = (t: string): number => {
    const i = PUSH_ORDER.indexOf(t);
    return i < 0 ? PUSH_ORDER.length : i;
  };
  return [...typeUrls].sort((a, b) => rank(a) - rank(b));
}

/**
 * Types whose State-of-the-World responses are the complete set: a resource left out is deleted
 * by the client. For the others (RDS, EDS, SDS) an omission means nothing.
 */
export function isFullStateType(typeUrl: string): boolean {
  return typeUrl === LISTENER_TYPE || typeUrl === CLUSTER_TYPE;
}

/** Types where a first request without names is a wildcard subscription (the legacy rule). */
export function isWildcardByDefault(typeUrl: string): boolean {
  return typeUrl === LISTENER_TYPE || typeUrl === CLUSTER_TYPE;
}

/**
 * After a cluster changes, Envoy keeps it warming until an EDS response for it arrives, even an
 * unchanged one; this maps a pushed type to the type whose same-named resources must follow.
 */
export function warmingDependent(typeUrl: string): string | undefined {
  return typeUrl === CLUSTER_TYPE ? ENDPOINT_TYPE : undefined;
}
