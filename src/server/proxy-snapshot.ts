// Turns one proxy's translated config into the xDS server's snapshot. Translation shares message
// objects between proxies (translate/cache/push-memo.ts), and encodeResource encodes each message
// object exactly once (WeakMap), so a resource shared by 2,000 proxies costs one toBinary and one
// hash per push, not 2,000. Versions stay content hashes: an unchanged resource rebuilt by a later
// push keeps its version, so snapshot diffs stay exact.
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { ClusterSchema } from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../gen/envoy/config/route/v3/route_pb.js';
import { SecretSchema } from '../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import type { ProxyResources } from '../translate/types.js';
import { encodeResource, type XdsResource } from '../xds/resource.js';
import { buildSnapshot, type Snapshot } from '../xds/snapshot-cache.js';

/**
 * Counts distinct vs shared resources of one push (for metrics and benchmarks); make a new one
 * per push. Encoding itself is memoized per message object by encodeResource.
 */
export class ResourceInterner {
  private readonly seen = new WeakSet<XdsResource>();
  /** Resources encoded (distinct per push) vs reused by another proxy. */
  encoded = 0;
  reused = 0;

  intern<Desc extends DescMessage>(
    schema: Desc,
    message: MessageShape<Desc>,
    name: string,
  ): XdsResource {
    const resource = encodeResource(schema, message, name);
    if (this.seen.has(resource)) {
      this.reused++;
    } else {
      this.seen.add(resource);
      this.encoded++;
    }
    return resource;
  }
}

export function snapshotOf(resources: ProxyResources, interner: ResourceInterner): Snapshot {
  const out: XdsResource[] = [];
  for (const c of resources.clusters) out.push(interner.intern(ClusterSchema, c, c.name));
  for (const e of resources.endpoints) {
    out.push(interner.intern(ClusterLoadAssignmentSchema, e, e.clusterName));
  }
  for (const l of resources.listeners) out.push(interner.intern(ListenerSchema, l, l.name));
  for (const r of resources.routes) out.push(interner.intern(RouteConfigurationSchema, r, r.name));
  for (const s of resources.secrets) out.push(interner.intern(SecretSchema, s, s.name));
  return buildSnapshot(out);
}

/** `previous` with some resources replaced by name; untouched types keep their maps (cheap diffs). */
export function withReplaced(previous: Snapshot, replaced: readonly XdsResource[]): Snapshot {
  const out = new Map(previous);
  const touched = new Map<string, Map<string, XdsResource>>();
  for (const r of replaced) {
    let names = touched.get(r.typeUrl);
    if (names === undefined) {
      names = new Map(previous.get(r.typeUrl));
      touched.set(r.typeUrl, names);
      out.set(r.typeUrl, names);
    }
    names.set(r.name, r);
  }
  return out;
}
