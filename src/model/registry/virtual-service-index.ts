// VirtualServices by gateway and visibility, as istiod indexes them (push_context.go
// initVirtualServices / VirtualServicesForGateway): oldest first; for a proxy namespace the
// list is the rules private to that namespace, then those exported to it by name, then the
// public ones. Hosts are resolved to FQDNs and gateway names to `ns/name` (or `mesh`).
import type { ConfigResource, MeshConfig } from '../config.js';
import type { VirtualServiceSpec } from '../istio-types.js';
import type { ResolvedVirtualService } from '../push-context.js';
import { resolveGatewayName, resolveShortName } from './hostnames.js';
import { sortedByCreation } from './ordering.js';

export function resolveVirtualService(
  vs: ConfigResource<VirtualServiceSpec>,
  mesh: MeshConfig,
): ResolvedVirtualService {
  const ns = vs.metadata.namespace;
  const gateways = vs.spec.gateways && vs.spec.gateways.length > 0 ? vs.spec.gateways : ['mesh'];
  return Object.freeze({
    resource: vs,
    hosts: Object.freeze(
      (vs.spec.hosts ?? []).map((h) => resolveShortName(h, ns, mesh.domainSuffix)),
    ),
    gateways: Object.freeze([...new Set(gateways.map((g) => resolveGatewayName(g, ns)))]),
  });
}

const NONE: readonly ResolvedVirtualService[] = Object.freeze([]);

export class VirtualServiceIndex {
  private readonly publicByGateway = new Map<string, ResolvedVirtualService[]>();
  private readonly privateByNsGateway = new Map<string, ResolvedVirtualService[]>();
  private readonly exportedByNsGateway = new Map<string, ResolvedVirtualService[]>();
  private readonly cache = new Map<string, readonly ResolvedVirtualService[]>();

  constructor(virtualServices: readonly ConfigResource<VirtualServiceSpec>[], mesh: MeshConfig) {
    for (const vs of sortedByCreation(virtualServices)) {
      const resolved = resolveVirtualService(vs, mesh);
      const ns = vs.metadata.namespace;
      const exportTo = new Set(
        (vs.spec.exportTo && vs.spec.exportTo.length > 0 ? vs.spec.exportTo : ['*']).map((e) =>
          e === '.' ? ns : e,
        ),
      );
      if (exportTo.has('*')) {
        for (const gw of resolved.gateways) push(this.publicByGateway, gw, resolved);
      } else if (!exportTo.has('~')) {
        for (const target of exportTo) {
          const map = target === ns ? this.privateByNsGateway : this.exportedByNsGateway;
          for (const gw of resolved.gateways) push(map, `${target}|${gw}`, resolved);
        }
      }
    }
  }

  /** `gateway` is `mesh` or `<ns>/<name>`. */
  forGateway(namespace: string, gateway: string): readonly ResolvedVirtualService[] {
    const key = `${namespace}|${gateway}`;
    let out = this.cache.get(key);
    if (!out) {
      const list = [
        ...(this.privateByNsGateway.get(key) ?? []),
        ...(this.exportedByNsGateway.get(key) ?? []),
        ...(this.publicByGateway.get(gateway) ?? []),
      ];
      out = list.length > 0 ? Object.freeze(list) : NONE;
      this.cache.set(key, out);
    }
    return out;
  }
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
