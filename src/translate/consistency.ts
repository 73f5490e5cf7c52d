// Cross-resource checks over one proxy's config: what Envoy would warm forever or reject.
//   - every RDS name a listener references has a RouteConfiguration;
//   - every EDS cluster has a ClusterLoadAssignment;
//   - no duplicate names within a type;
//   - every cluster a route or tcp_proxy targets exists.
// Istio deliberately emits routes to clusters that do not exist (validate_clusters: false):
// a VirtualService subset no DestinationRule defines, a destination host with no service (e.g.
// a short name resolved in another namespace). Envoy accepts those and answers 503 NC; they are
// reported as `allowed` findings, not errors, when the name is a well-formed outbound cluster.
import type { Cluster } from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import { Cluster_DiscoveryType } from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { RouteConfiguration } from '../gen/envoy/config/route/v3/route_pb.js';
import { parseSubsetKey } from './common/cluster-name.js';
import {
  allFilterChains,
  httpConnectionManagersOf,
  rdsNamesOf,
  tcpProxyClusters,
  tcpProxyOfFilter,
} from './listener/inspect.js';
import type { ProxyResources } from './types.js';

export interface ConsistencyFinding {
  kind: 'missing-route-config' | 'missing-endpoints' | 'duplicate-name' | 'missing-cluster';
  /** Where the reference comes from, e.g. `listener 0.0.0.0_9080` or `route 9080/reviews…/default`. */
  from: string;
  name: string;
  /** True for the dangling references Istio emits on purpose (Envoy answers 503 NC). */
  allowed: boolean;
}

export interface ConsistencyReport {
  errors: ConsistencyFinding[];
  allowed: ConsistencyFinding[];
}

function duplicates(type: string, names: readonly string[]): ConsistencyFinding[] {
  const seen = new Set<string>();
  const out: ConsistencyFinding[] = [];
  for (const n of names) {
    if (seen.has(n)) out.push({ kind: 'duplicate-name', from: type, name: n, allowed: false });
    seen.add(n);
  }
  return out;
}

function isEds(c: Cluster): boolean {
  return (
    c.clusterDiscoveryType.case === 'type' &&
    c.clusterDiscoveryType.value === Cluster_DiscoveryType.EDS
  );
}

function edsServiceName(c: Cluster): string {
  return c.edsClusterConfig?.serviceName || c.name;
}

function routeClusterRefs(rc: RouteConfiguration): { from: string; name: string }[] {
  const out: { from: string; name: string }[] = [];
  for (const vh of rc.virtualHosts) {
    for (const r of vh.routes) {
      if (r.action.case !== 'route') continue;
      const from = `route ${rc.name}/${vh.name}/${r.name}`;
      const spec = r.action.value.clusterSpecifier;
      if (spec.case === 'cluster') out.push({ from, name: spec.value });
      if (spec.case === 'weightedClusters') {
        for (const c of spec.value.clusters) out.push({ from, name: c.name });
      }
      for (const m of r.action.value.requestMirrorPolicies) out.push({ from, name: m.cluster });
    }
  }
  return out;
}

/** Istio emits these on purpose: outbound subset keys (undefined subsets, unknown hosts). */
function isDeliberatelyDangling(name: string): boolean {
  const parsed = parseSubsetKey(name);
  return parsed !== undefined && parsed.direction === 'outbound';
}

export function checkConsistency(res: ProxyResources): ConsistencyReport {
  const findings: ConsistencyFinding[] = [
    ...duplicates(
      'listeners',
      res.listeners.map((l) => l.name),
    ),
    ...duplicates(
      'routes',
      res.routes.map((r) => r.name),
    ),
    ...duplicates(
      'clusters',
      res.clusters.map((c) => c.name),
    ),
    ...duplicates(
      'endpoints',
      res.endpoints.map((e) => e.clusterName),
    ),
  ];
  const routeNames = new Set(res.routes.map((r) => r.name));
  const clusterNames = new Set(res.clusters.map((c) => c.name));
  const claNames = new Set(res.endpoints.map((e) => e.clusterName));
  const inlineRoutes: RouteConfiguration[] = [];

  for (const l of res.listeners) {
    for (const name of rdsNamesOf(l)) {
      if (!routeNames.has(name)) {
        findings.push({
          kind: 'missing-route-config',
          from: `listener ${l.name}`,
          name,
          allowed: false,
        });
      }
    }
    for (const hcm of httpConnectionManagersOf(l)) {
      if (hcm.routeSpecifier.case === 'routeConfig') inlineRoutes.push(hcm.routeSpecifier.value);
    }
    for (const chain of allFilterChains(l)) {
      for (const f of chain.filters) {
        const tcp = tcpProxyOfFilter(f);
        for (const name of tcp ? tcpProxyClusters(tcp) : []) {
          if (!clusterNames.has(name)) {
            findings.push({
              kind: 'missing-cluster',
              from: `listener ${l.name}/${chain.name || 'chain'}`,
              name,
              allowed: isDeliberatelyDangling(name),
            });
          }
        }
      }
    }
  }
  for (const rc of [...res.routes, ...inlineRoutes]) {
    for (const ref of routeClusterRefs(rc)) {
      if (!clusterNames.has(ref.name)) {
        findings.push({
          kind: 'missing-cluster',
          from: ref.from,
          name: ref.name,
          allowed: isDeliberatelyDangling(ref.name),
        });
      }
    }
  }
  for (const c of res.clusters) {
    if (isEds(c) && !claNames.has(edsServiceName(c))) {
      findings.push({
        kind: 'missing-endpoints',
        from: `cluster ${c.name}`,
        name: edsServiceName(c),
        allowed: false,
      });
    }
  }
  // A reference repeated by sibling chains (mTLS + plaintext) is one finding.
  const unique = [...new Map(findings.map((f) => [`${f.kind}|${f.from}|${f.name}`, f])).values()];
  return {
    errors: unique.filter((f) => !f.allowed),
    allowed: unique.filter((f) => f.allowed),
  };
}
