// Per-endpoint metadata as istiod writes it (util.AppendLbEndpointMetadata):
// `envoy.transport_socket_match: {tlsMode: istio}` selects the client's mTLS transport socket for
// sidecar-injected endpoints, and `istio.workload` carries
// `<workload>;<namespace>;<canonical name>;<canonical revision>;<cluster>` for telemetry.
import type { JsonObject } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';

import { MetadataSchema, type Metadata } from '../../gen/envoy/config/core/v3/base_pb.js';
import type { ServiceEndpoint } from '../../model/service.js';

export const TRANSPORT_SOCKET_MATCH_KEY = 'envoy.transport_socket_match';
export const ISTIO_METADATA_KEY = 'istio';
/** Istio's default cluster id for a single-cluster mesh. */
export const DEFAULT_CLUSTER_ID = 'Kubernetes';

function firstLabel(labels: Record<string, string>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = labels[k];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** Istio's canonical service name: explicit label, then app labels, then the workload name. */
export function canonicalName(labels: Record<string, string>, workloadName: string): string {
  return (
    firstLabel(labels, ['service.istio.io/canonical-name', 'app.kubernetes.io/name', 'app']) ??
    workloadName
  );
}

export function canonicalRevision(labels: Record<string, string>): string {
  return (
    firstLabel(labels, [
      'service.istio.io/canonical-revision',
      'app.kubernetes.io/version',
      'version',
    ]) ?? 'latest'
  );
}

/**
 * @param mtlsReady false when the endpoint must be reached in plaintext even though it has a
 *   sidecar (its workload disables mTLS), so the tlsMode marker is left out.
 */
export function endpointMetadata(ep: ServiceEndpoint, mtlsReady: boolean): Metadata {
  const filterMetadata: Record<string, JsonObject> = {};
  if (ep.tlsMode === 'istio' && mtlsReady) {
    filterMetadata[TRANSPORT_SOCKET_MATCH_KEY] = { tlsMode: 'istio' };
  }
  if (ep.workloadName !== undefined && ep.workloadName !== '') {
    filterMetadata[ISTIO_METADATA_KEY] = {
      workload: [
        ep.workloadName,
        ep.namespace,
        canonicalName(ep.labels, ep.workloadName),
        canonicalRevision(ep.labels),
        DEFAULT_CLUSTER_ID,
      ].join(';'),
    };
  }
  return create(MetadataSchema, { filterMetadata });
}
