// The `istio` filter metadata naming the config a route or virtual host came from
// (istio util.BuildConfigInfoMetadata): `/apis/<group>/<version>/namespaces/<ns>/<kebab-kind>/<name>`.
import { create } from '@bufbuild/protobuf';

import type { ConfigResource } from '../../model/config.js';
import { MetadataSchema, type Metadata } from '../../gen/envoy/config/core/v3/base_pb.js';

/** istiod stores Istio networking config under its v1 API version. */
const GROUP_VERSION: Readonly<Record<string, string>> = {
  VirtualService: 'networking.istio.io/v1',
  DestinationRule: 'networking.istio.io/v1',
  Gateway: 'networking.istio.io/v1',
  ServiceEntry: 'networking.istio.io/v1',
  Sidecar: 'networking.istio.io/v1',
};

const kebab = (kind: string): string => kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

export function configPath(r: Pick<ConfigResource, 'kind' | 'apiVersion' | 'metadata'>): string {
  const gv = GROUP_VERSION[r.kind] ?? r.apiVersion;
  return `/apis/${gv}/namespaces/${r.metadata.namespace}/${kebab(r.kind)}/${r.metadata.name}`;
}

export function configMetadata(
  r: Pick<ConfigResource, 'kind' | 'apiVersion' | 'metadata'>,
): Metadata {
  return create(MetadataSchema, { filterMetadata: { istio: { config: configPath(r) } } });
}
