// Checks every generated resource of a test against Envoy's protos including the
// protoc-gen-validate rules (the proto layer's validator) and the cross-resource consistency
// check. Returns readable problem lines; tests assert the list is empty.
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { validateMessage } from '../../proto/pgv/index.js';
import { checkConsistency } from '../consistency.js';
import type { ProxyResources } from '../types.js';

export function pgvProblems(res: ProxyResources): string[] {
  const out: string[] = [];
  for (const l of res.listeners) {
    for (const v of validateMessage(ListenerSchema, l))
      out.push(`listener ${l.name} ${v.path}: ${v.message}`);
  }
  for (const r of res.routes) {
    for (const v of validateMessage(RouteConfigurationSchema, r))
      out.push(`route ${r.name} ${v.path}: ${v.message}`);
  }
  for (const c of res.clusters) {
    for (const v of validateMessage(ClusterSchema, c))
      out.push(`cluster ${c.name} ${v.path}: ${v.message}`);
  }
  for (const e of res.endpoints) {
    for (const v of validateMessage(ClusterLoadAssignmentSchema, e)) {
      out.push(`endpoints ${e.clusterName} ${v.path}: ${v.message}`);
    }
  }
  return out;
}

export function consistencyProblems(res: ProxyResources): string[] {
  return checkConsistency(res).errors.map((f) => `${f.kind}: ${f.name} (from ${f.from})`);
}
