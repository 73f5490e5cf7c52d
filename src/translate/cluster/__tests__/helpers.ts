// Test helpers shared by the cluster and endpoint tests: a PushContext and Proxy from YAML, and
// proto3 JSON (snake_case, Any expanded) of generated resources for readable assertions.
import { createRegistry, toJson, type JsonObject, type JsonValue } from '@bufbuild/protobuf';

import { ClusterSchema, type Cluster } from '../../../gen/envoy/config/cluster/v3/cluster_pb.js';
import {
  ClusterLoadAssignmentSchema,
  type ClusterLoadAssignment,
} from '../../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { RawBufferSchema } from '../../../gen/envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer_pb.js';
import { UpstreamTlsContextSchema } from '../../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { HttpProtocolOptionsSchema } from '../../../gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
import type { MeshConfig } from '../../../model/config.js';
import type { Proxy } from '../../../model/proxy.js';
import { parseProxy } from '../../../model/proxy-identity.js';
import type { PushContext } from '../../../model/push-context.js';
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';

const registry = createRegistry(
  UpstreamTlsContextSchema,
  HttpProtocolOptionsSchema,
  RawBufferSchema,
);

export function clusterJson(c: Cluster): JsonObject {
  return toJson(ClusterSchema, c, { registry, useProtoFieldName: true }) as JsonObject;
}

export function claJson(c: ClusterLoadAssignment): JsonObject {
  return toJson(ClusterLoadAssignmentSchema, c, {
    registry,
    useProtoFieldName: true,
  }) as JsonObject;
}

export function byName<T extends { name: string }>(items: readonly T[], name: string): T {
  const found = items.find((i) => i.name === name);
  if (found === undefined) {
    throw new Error(`${name} not found among ${items.map((i) => i.name).join(', ')}`);
  }
  return found;
}

export interface World {
  push: PushContext;
  proxy: Proxy;
}

/** A push context over `yaml` and the proxy named by node id parts (labels from the registry). */
export function world(
  yaml: string,
  node: { type?: 'sidecar' | 'router'; ip: string; pod: string; namespace?: string },
  metadata: Record<string, unknown> = {},
  mesh: Partial<MeshConfig> = {},
): World {
  const push = pushContextFromYaml(yaml, mesh);
  const ns = node.namespace ?? 'default';
  const id = `${node.type ?? 'sidecar'}~${node.ip}~${node.pod}.${ns}~${ns}.svc.cluster.local`;
  const parsed = parseProxy(id, metadata, push);
  if (!parsed.ok) throw new Error(parsed.error);
  return { push, proxy: parsed.value };
}

/** `ip:port` of every endpoint of an assignment. */
export function endpointAddresses(cla: ClusterLoadAssignment): string[] {
  const out: string[] = [];
  for (const loc of cla.endpoints) {
    for (const lb of loc.lbEndpoints) {
      if (lb.hostIdentifier.case !== 'endpoint') continue;
      const a = lb.hostIdentifier.value.address?.address;
      if (a?.case === 'socketAddress' && a.value.portSpecifier.case === 'portValue') {
        out.push(`${a.value.address}:${a.value.portSpecifier.value}`);
      }
    }
  }
  return out;
}

export function getPath(obj: JsonValue | undefined, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as JsonObject)[part];
  }
  return cur;
}
