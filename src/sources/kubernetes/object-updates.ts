// Kubernetes objects as SourceUpdates: one origin per object, `k8s://<Kind>/<ns>/<name>`
// (cluster-scoped objects such as Namespaces: `k8s://<Kind>/<name>`), which is also the
// SourceRef.file every error about the object names.
import type { RawObject } from '../../model/config.js';
import { kubeReadFields } from '../../model/kube-read-fields.js';
import type { SourceUpdate } from '../types.js';

export interface ObjectId {
  kind: string;
  namespace?: string;
  name: string;
}

export function originOf(id: ObjectId): string {
  return id.namespace
    ? `k8s://${id.kind}/${id.namespace}/${id.name}`
    : `k8s://${id.kind}/${id.name}`;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Namespace/name and resourceVersion of an object from the API, or undefined if it has none. */
export function objectIdentity(
  obj: unknown,
): { namespace?: string; name: string; resourceVersion: string } | undefined {
  if (!isObj(obj) || !isObj(obj.metadata)) return undefined;
  const { name, namespace, resourceVersion } = obj.metadata;
  if (typeof name !== 'string' || !name) return undefined;
  return {
    name,
    namespace: typeof namespace === 'string' && namespace ? namespace : undefined,
    resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : '',
  };
}

/**
 * The object as the model reads it: apiVersion/kind filled in (list items carry neither), and
 * only the fields the model reads (kubeReadFields: no server bookkeeping, Pods reduced to their
 * identity, ports and readiness), so the store holds a fraction of each listed object.
 */
export function toRawObject(
  obj: Record<string, unknown>,
  apiVersion: string,
  kind: string,
): RawObject {
  return kubeReadFields({ ...obj, apiVersion, kind });
}

export function upsertUpdate(raw: RawObject, id: ObjectId): SourceUpdate {
  const origin = originOf(id);
  return { origin, documents: [{ source: { file: origin }, object: raw }], parseErrors: [] };
}

export function removalUpdate(id: ObjectId): SourceUpdate {
  return { origin: originOf(id), documents: [], parseErrors: [], removed: true };
}
