// The `istio` filter metadata istiod attaches to clusters: `services` (host/name/namespace of the
// service(s) behind the cluster, read by telemetry), `config` (the DestinationRule that shaped it,
// as istioctl shows it), `subset`, and `external` for MESH_EXTERNAL services.
import { create, type JsonObject, type JsonValue } from '@bufbuild/protobuf';

import type { Cluster } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { MetadataSchema } from '../../gen/envoy/config/core/v3/base_pb.js';
import type { ConfigResource } from '../../model/config.js';
import type { Service } from '../../model/service.js';

export const ISTIO_METADATA_KEY = 'istio';

function istioMetadata(c: Cluster): JsonObject {
  c.metadata ??= create(MetadataSchema, {});
  const fm = c.metadata.filterMetadata;
  fm[ISTIO_METADATA_KEY] ??= {};
  return fm[ISTIO_METADATA_KEY];
}

export function serviceMetadata(svc: Service): JsonObject {
  return { host: svc.hostname, name: svc.name, namespace: svc.namespace };
}

export function addServicesMetadata(c: Cluster, services: readonly Service[]): void {
  const seen = new Set<string>();
  const list: JsonValue[] = [];
  for (const s of services) {
    if (seen.has(s.hostname)) continue;
    seen.add(s.hostname);
    list.push(serviceMetadata(s));
  }
  istioMetadata(c).services = list;
}

/**
 * `/apis/networking.istio.io/v1alpha3/namespaces/<ns>/destination-rule/<name>`: istiod stores
 * networking config under its internal v1alpha3 version whatever version was applied.
 */
export function configPath(resource: ConfigResource): string {
  const kebab = resource.kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  const group = resource.apiVersion.includes('/')
    ? resource.apiVersion.split('/')[0]
    : 'networking.istio.io';
  const version = group === 'networking.istio.io' ? 'v1alpha3' : 'v1beta1';
  return `/apis/${group}/${version}/namespaces/${resource.metadata.namespace}/${kebab}/${resource.metadata.name}`;
}

export function addConfigMetadata(c: Cluster, resource: ConfigResource): void {
  istioMetadata(c).config = configPath(resource);
}

export function addSubsetMetadata(c: Cluster, subset: string): void {
  istioMetadata(c).subset = subset;
}

export function addExternalMetadata(c: Cluster): void {
  istioMetadata(c).external = true;
}

/**
 * TLS origination set by the user (SIMPLE/MUTUAL) must not get Istio's ALPN override, so istiod
 * marks such clusters with `alpn_override: "false"`.
 */
export function setAlpnOverrideMetadata(c: Cluster, tlsMode: string | undefined): void {
  if (tlsMode === 'SIMPLE' || tlsMode === 'MUTUAL') istioMetadata(c).alpn_override = 'false';
}
