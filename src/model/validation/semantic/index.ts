// Semantic validators by Istio kind. They run only on specs that passed the schema, so they may
// rely on the field types the schema guarantees.
import type { IstioKind } from '../../config.js';
import type { Issues } from './issue.js';
import { validateAuthorizationPolicy } from './authorization-policy.js';
import { validateDestinationRule } from './destination-rule.js';
import { validateGateway } from './gateway.js';
import { validatePeerAuthentication } from './peer-authentication.js';
import { validateServiceEntry } from './service-entry.js';
import { validateSidecar } from './sidecar.js';
import { validateVirtualService } from './virtual-service.js';
import { validateWorkloadEntry } from './workload-entry.js';

// Each validator takes its kind's spec type; the spec was schema-checked before the call.
type SemanticValidator = (spec: never, namespace: string) => Issues;

const VALIDATORS: Record<IstioKind, SemanticValidator> = {
  VirtualService: validateVirtualService,
  DestinationRule: validateDestinationRule,
  Gateway: validateGateway,
  ServiceEntry: validateServiceEntry,
  WorkloadEntry: validateWorkloadEntry,
  Sidecar: validateSidecar,
  PeerAuthentication: validatePeerAuthentication,
  AuthorizationPolicy: validateAuthorizationPolicy,
};

export function validateIstioSemantics(kind: IstioKind, spec: unknown, namespace: string): Issues {
  return (VALIDATORS[kind] as (spec: unknown, namespace: string) => Issues)(spec ?? {}, namespace);
}
