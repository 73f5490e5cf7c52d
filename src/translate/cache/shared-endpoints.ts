// ClusterLoadAssignments shared between proxies within one push. An assignment depends on the
// proxy only through the service its cluster name resolves to from the proxy's namespace, the
// DestinationRule chosen for a subset (namespace, labels) and the generator (proxyless gRPC
// drops DNS endpoints). The first-level key is what the proxy looks like (name, namespace,
// labels if rules select workloads); the second is what the lookups found, so namespaces that
// resolve to the same service and rule share one assignment object (encoded once).
import type { ClusterLoadAssignment } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { parseSubsetKey } from '../common/cluster-name.js';
import { clusterLoadAssignment } from '../endpoint/build-endpoints.js';
import { clusterLabelsPart } from './proxy-keys.js';
import { memo, objectId } from './push-memo.js';

function resolvedKey(proxy: Proxy, push: PushContext, name: string): string {
  const parsed = parseSubsetKey(name);
  if (parsed === undefined || parsed.direction !== 'outbound') return 'none';
  const service = push.serviceForHost(parsed.host, proxy.namespace);
  if (parsed.subset === '' || service === undefined) return objectId(service);
  const dr = push.destinationRule(proxy.namespace, service.hostname, proxy.labels);
  return `${objectId(service)}|${objectId(dr)}`;
}

/** The assignment for one EDS cluster name, as clusterLoadAssignment builds it for this proxy. */
export function sharedClusterLoadAssignment(
  proxy: Proxy,
  push: PushContext,
  name: string,
): ClusterLoadAssignment {
  const generator = proxy.generator ?? '';
  const seenFrom = `cla|${name}|${proxy.namespace}|${clusterLabelsPart(proxy, push)}|${generator}`;
  return memo(push, seenFrom, () => {
    const found = `cla-r|${name}|${resolvedKey(proxy, push, name)}|${generator}`;
    return memo(push, found, () => clusterLoadAssignment(proxy, push, name));
  });
}

/** One assignment per distinct name, in order (buildEndpoints with explicit names). */
export function sharedEndpoints(
  proxy: Proxy,
  push: PushContext,
  names: readonly string[],
): ClusterLoadAssignment[] {
  const seen = new Set<string>();
  const out: ClusterLoadAssignment[] = [];
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(sharedClusterLoadAssignment(proxy, push, name));
  }
  return out;
}
