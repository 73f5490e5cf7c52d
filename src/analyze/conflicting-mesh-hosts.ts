// IST0109 ConflictingMeshGatewayVirtualServiceHosts: two or more VirtualServices bound to the mesh
// gateway define the same host (after resolving short names), so which one wins is undefined.
import type { ConfigSnapshot } from '../model/push-context.js';
import type { ConfigError } from '../model/validation/types.js';
import { fqdnOf } from './hosts.js';

export function conflictingMeshGatewayHosts(
  s: ConfigSnapshot,
  suffix = 'cluster.local',
): ConfigError[] {
  const byHost = new Map<string, (typeof s.virtualServices)[number][]>();
  for (const vs of s.virtualServices) {
    const gws = vs.spec.gateways ?? [];
    if (gws.length > 0 && !gws.includes('mesh')) continue;
    const exportTo = vs.spec.exportTo;
    // Istio scopes the check by visibility; a VS not exported anywhere cannot conflict.
    if (exportTo?.length === 1 && exportTo[0] === '~') continue;
    for (const h of new Set(
      (vs.spec.hosts ?? []).map((h) => fqdnOf(h, vs.metadata.namespace, suffix)),
    )) {
      byHost.set(h, [...(byHost.get(h) ?? []), vs]);
    }
  }
  const out: ConfigError[] = [];
  for (const [host, list] of [...byHost.entries()].sort()) {
    if (list.length < 2) continue;
    const names = list.map((v) => `${v.metadata.namespace}/${v.metadata.name}`).join(',');
    for (const vs of list) {
      out.push({
        code: 'IST0109',
        severity: 'Error',
        source: vs.source,
        kind: vs.kind,
        namespace: vs.metadata.namespace,
        name: vs.metadata.name,
        field: 'spec.hosts',
        message: `The VirtualServices ${names} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`,
      });
    }
  }
  return out;
}
