// The EDS fast path (istiod's incremental EDS push): when only Endpoints/EndpointSlices changed,
// a proxy's listeners, routes and clusters are those of the previous push, and only the load
// assignments of the services whose endpoints moved need rebuilding. This module decides whether
// that holds for a change (else the caller re-translates fully) and applies it to one proxy.
// Conditions, each checked here because clusters and inbound config DO read endpoints:
//  - every changed Endpoints/EndpointSlice maps to known service hostnames;
//  - those services are unchanged as registry objects (ports, resolved target ports, service
//    accounts, which feed cluster SANs) and their per-port endpoint service accounts too;
//  - the proxy is not a backend of a changed service (its inbound listeners/clusters read the
//    endpoints), nor proxyless gRPC (whose server listeners read them).
import type { ClusterLoadAssignment } from '../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { ConfigKey, ConfigResource } from '../model/config.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import type { Service } from '../model/service.js';
import { labelsKey, memo, objectId } from '../translate/cache/push-memo.js';
import { sharedSidecarScope } from '../translate/cache/shared-routing.js';
import { sharedClusterLoadAssignment } from '../translate/cache/shared-endpoints.js';
import { serviceAccountsFor } from '../translate/cluster/outbound-clusters.js';
import { parseSubsetKey } from '../translate/common/cluster-name.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface EndpointDelta {
  /** Hostnames whose load assignments must be rebuilt. */
  hostnames: ReadonlySet<string>;
  /** Endpoint addresses of those services before and after (their workloads' inbound changed). */
  addresses: ReadonlySet<string>;
}

function findKube(push: PushContext, kind: string, ns: string, name: string) {
  return push.snapshot.kube.find(
    (r: ConfigResource) =>
      r.kind === kind && r.metadata.namespace === ns && r.metadata.name === name,
  );
}

/** `ns/serviceName` of a changed Endpoints / EndpointSlice key; undefined when unknown. */
function serviceOfKey(key: ConfigKey, prev: PushContext, next: PushContext): string | undefined {
  const [kind, ns, ...rest] = key.split('/');
  const name = rest.join('/');
  if (kind === 'Endpoints') return `${ns}/${name}`;
  if (kind !== 'EndpointSlice') return undefined;
  const slice = findKube(next, kind, ns, name) ?? findKube(prev, kind, ns, name);
  const svc = slice?.metadata.labels?.[SERVICE_NAME_LABEL];
  return svc === undefined ? undefined : `${ns}/${svc}`;
}

function kubeServices(push: PushContext, nsName: ReadonlySet<string>): Service[] {
  return push.services.filter(
    (s) => s.registry === 'Kubernetes' && nsName.has(`${s.namespace}/${s.name}`),
  );
}

/** Everything of a service that cluster (not load assignment) translation can read. */
function clusterFacts(push: PushContext, services: readonly Service[]): string {
  return JSON.stringify(
    services.map((s) => [s, s.ports.map((p) => serviceAccountsFor(push, s, p))]),
  );
}

/**
 * The delta for an endpoint-only change between two consecutive pushes, or undefined when the
 * change can affect more than load assignments (the caller then re-translates fully).
 */
export function endpointDelta(
  prev: PushContext,
  next: PushContext,
  changedKeys: Iterable<ConfigKey>,
): EndpointDelta | undefined {
  const nsNames = new Set<string>();
  for (const key of changedKeys) {
    const svc = serviceOfKey(key, prev, next);
    if (svc === undefined) return undefined;
    nsNames.add(svc);
  }
  const before = kubeServices(prev, nsNames);
  const after = kubeServices(next, nsNames);
  if (clusterFacts(prev, before) !== clusterFacts(next, after)) return undefined;
  const hostnames = new Set(after.map((s) => s.hostname));
  const addresses = new Set<string>();
  for (const [push, services] of [
    [prev, before],
    [next, after],
  ] as const) {
    for (const s of services) {
      for (const p of s.ports) {
        for (const ep of push.endpoints(s.hostname, p.port, s.namespace)) addresses.add(ep.address);
      }
    }
  }
  return { hostnames, addresses };
}

/** Whether the delta can be applied to this proxy (see the conditions above). */
export function canApplyEndpointDelta(
  proxy: Proxy,
  next: PushContext,
  delta: EndpointDelta,
): boolean {
  if (proxy.generator === 'grpc') return false;
  if ([proxy.ip, ...proxy.ips].some((ip) => delta.addresses.has(ip))) return false;
  const own = memo(next, `workload-services|${proxy.namespace}|${labelsKey(proxy.labels)}`, () =>
    next.servicesForWorkload(proxy.namespace, proxy.labels),
  );
  return !own.some((s) => delta.hostnames.has(s.hostname));
}

/**
 * Whether the delta can touch any of the proxy's load assignments: those are the EDS clusters of
 * the services its scope sees (a gateway's scope: every visible service), so a proxy whose scope
 * sees none of the changed hostnames keeps every assignment and needs no per-proxy work. Decided
 * once per scope; call only where canApplyEndpointDelta holds.
 */
export function endpointDeltaReaches(
  proxy: Proxy,
  next: PushContext,
  delta: EndpointDelta,
): boolean {
  const scope = sharedSidecarScope(proxy, next);
  return memo(next, `eds-reach|${objectId(delta)}|${objectId(scope)}`, () =>
    scope.services.some((s) => delta.hostnames.has(s.hostname)),
  );
}

// Cluster names repeat across proxies and pushes: parse each one once.
const hostByClusterName = new Map<string, string>();
function hostOf(clusterName: string): string {
  let host = hostByClusterName.get(clusterName);
  if (host === undefined) {
    host = parseSubsetKey(clusterName)?.host ?? '';
    hostByClusterName.set(clusterName, host);
  }
  return host;
}

/**
 * The load assignments among `served` (the cluster names of the proxy's current EDS resources)
 * whose service the delta touches, rebuilt against `next`; empty when none is affected.
 */
export function applyEndpointDelta(
  proxy: Proxy,
  served: Iterable<string>,
  next: PushContext,
  delta: EndpointDelta,
): ClusterLoadAssignment[] {
  const rebuilt: ClusterLoadAssignment[] = [];
  for (const name of served) {
    if (delta.hostnames.has(hostOf(name))) {
      rebuilt.push(sharedClusterLoadAssignment(proxy, next, name));
    }
  }
  return rebuilt;
}
