// Turns one proxy's translated config into the xDS server's snapshot. Bytes are interned per
// push: every proxy that gets a byte-identical resource shares one encoded copy (and one Any
// framing), so memory and write cost grow with distinct resources, not with proxies.
import { toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { ClusterSchema } from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../gen/envoy/config/route/v3/route_pb.js';
import { SecretSchema } from '../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import type { ProxyResources } from '../translate/types.js';
import { contentVersion, resourceFromBytes, type XdsResource } from '../xds/resource.js';
import { buildSnapshot, type Snapshot } from '../xds/snapshot-cache.js';

/** Shares encoded resources between proxies; make a new one per push so old bytes can be freed. */
export class ResourceInterner {
  private readonly byKey = new Map<string, XdsResource>();
  /** Resources encoded vs reused, for metrics and benchmarks. */
  encoded = 0;
  reused = 0;

  intern<Desc extends DescMessage>(
    schema: Desc,
    message: MessageShape<Desc>,
    name: string,
  ): XdsResource {
    const typeUrl = `type.googleapis.com/${schema.typeName}`;
    const bytes = toBinary(schema, message);
    const key = `${typeUrl}\n${name}\n${contentVersion(bytes)}`;
    const found = this.byKey.get(key);
    if (found) {
      this.reused++;
      return found;
    }
    const resource = resourceFromBytes(typeUrl, name, bytes);
    this.byKey.set(key, resource);
    this.encoded++;
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
