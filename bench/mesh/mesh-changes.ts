// The config changes the benchmark scenarios apply, as file writes (path → new YAML). Each is a
// function of the mesh so the same change reaches mini-istiod (file written into its watched
// directory) and the go-control-plane baseline (snapshots exported after the same write).
import {
  destinationRuleYaml,
  endpointsYaml,
  meshWidePeerAuthenticationYaml,
  ROOT_NAMESPACE,
  virtualServiceYaml,
  type Mesh,
  type PodInfo,
} from './mesh-generator.js';

export type FileChanges = Map<string, string>;

/** One VirtualService's canary weight moves from 20% to 50%. */
export function virtualServiceWeightChange(mesh: Mesh): FileChanges {
  const svc = mesh.services.find((s) => s.hasVirtualService);
  if (!svc) throw new Error('mesh has no VirtualService');
  return new Map([
    [
      `${svc.namespace}/${svc.name}.virtualservice.yaml`,
      virtualServiceYaml(svc, mesh.options.versions, 50),
    ],
  ]);
}

/** One DestinationRule gets a new load balancer and pool size (CDS for its clusters). */
export function destinationRuleChange(mesh: Mesh): FileChanges {
  const index = Math.min(1, mesh.services.length - 1);
  const svc = mesh.services[index];
  return new Map([
    [
      `${svc.namespace}/${svc.name}.destinationrule.yaml`,
      destinationRuleYaml(svc, mesh.options.versions, index, 1),
    ],
  ]);
}

/** Strict mTLS mesh-wide: every sidecar's inbound config changes. */
export function meshWideChange(): FileChanges {
  return new Map([
    [`${ROOT_NAMESPACE}/peer-authentication.yaml`, meshWidePeerAuthenticationYaml()],
  ]);
}

/**
 * Endpoint churn: step `i` adds or removes one spare pod of one service in that service's
 * Endpoints (pods coming and going). Steps walk the services round-robin, so consecutive steps
 * touch different services; `state` holds the current endpoint pods and is updated.
 */
export function endpointChurnStep(
  mesh: Mesh,
  state: Map<string, PodInfo[]>,
  i: number,
): FileChanges {
  const svc = mesh.services[i % mesh.services.length];
  const round = Math.floor(i / mesh.services.length);
  const spares = mesh.sparePods.get(svc.name) ?? [];
  const current = state.get(svc.name) ?? mesh.endpointPods.get(svc.name) ?? [];
  let next: PodInfo[];
  if (spares.length === 0) {
    next = current;
  } else {
    const spare = spares[Math.floor(round / 2) % spares.length];
    next = current.includes(spare) ? current.filter((p) => p !== spare) : [...current, spare];
  }
  state.set(svc.name, next);
  return new Map([[`${svc.namespace}/${svc.name}.endpoints.yaml`, endpointsYaml(svc, next)]]);
}
