// istiod names the Istio resource behind a route, virtual host or cluster in `istio` filter
// metadata as `/apis/<group>/<version>/namespaces/<ns>/<kebab-kind>/<name>`; operators read
// `<name>.<ns>` (istioctl's VIRTUAL SERVICE and DESTINATION RULE columns).
import type { JsonValue } from '@bufbuild/protobuf';
import type { Metadata } from '../../gen/envoy/config/core/v3/base_pb.js';

export interface IstioConfigRef {
  kind: string;
  namespace: string;
  name: string;
}

const KINDS: Record<string, string> = {
  'virtual-service': 'VirtualService',
  'destination-rule': 'DestinationRule',
  gateway: 'Gateway',
  'service-entry': 'ServiceEntry',
  sidecar: 'Sidecar',
};

export function parseConfigPath(path: string): IstioConfigRef | undefined {
  const m = /^\/apis\/[^/]+\/[^/]+\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  return { namespace: m[1], kind: KINDS[m[2]] ?? m[2], name: m[3] };
}

/** The `istio.<key>` string of an Envoy Metadata, when present. */
export function istioMetadata(md: Metadata | undefined, key: string): JsonValue | undefined {
  const istio = md?.filterMetadata.istio;
  return istio ? istio[key] : undefined;
}

export function configRefOf(md: Metadata | undefined): IstioConfigRef | undefined {
  const path = istioMetadata(md, 'config');
  return typeof path === 'string' ? parseConfigPath(path) : undefined;
}

/** `name.namespace`, or `-`. */
export function shortRef(ref: IstioConfigRef | undefined): string {
  return ref ? `${ref.name}.${ref.namespace}` : '-';
}
