// The `ip:port` addresses a proxy would send a cluster's traffic to: the ClusterLoadAssignment
// delivered over EDS, or the cluster's inline load_assignment (STATIC / STRICT_DNS clusters).
// Shared by the traffic simulator, `mini-istiod explain` and the istiod-case runner so they all
// read endpoints the same way.
import type { ProxyResources } from '../types.js';

/** Addresses in the order the load assignment lists them; empty when the cluster has none. */
export function clusterEndpointAddresses(res: ProxyResources, cluster: string): string[] {
  const cla =
    res.endpoints.find((e) => e.clusterName === cluster) ??
    res.clusters.find((c) => c.name === cluster)?.loadAssignment;
  const out: string[] = [];
  for (const group of cla?.endpoints ?? []) {
    for (const lb of group.lbEndpoints) {
      if (lb.hostIdentifier.case !== 'endpoint') continue;
      const a = lb.hostIdentifier.value.address?.address;
      if (a?.case === 'socketAddress' && a.value.portSpecifier.case === 'portValue') {
        out.push(`${a.value.address}:${a.value.portSpecifier.value}`);
      }
    }
  }
  return out;
}
