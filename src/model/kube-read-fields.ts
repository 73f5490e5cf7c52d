// The parts of objects from a Kubernetes API server that the model reads (kube-types.ts,
// registry/, validation/semantic/kube.ts), for a source to keep instead of whole objects.
//
// Why: a listed Pod of an injected workload is 8–12 KB of JSON (containers with env and probes,
// volumes, container statuses, ...) of which the registry reads a dozen fields; at 2,000 pods the
// rest would be most of the config model's memory. It also makes unchanged content compare
// equal: server bookkeeping (resourceVersion, managedFields, condition timestamps, container
// statuses, the status of Istio resources) changes on every update without changing anything
// mini-istiod serves, and would otherwise count as a change and trigger a push.
//
// Contract: apiVersion, kind, metadata (minus managedFields, resourceVersion and kubectl's
// last-applied-configuration annotation, a JSON copy of the whole object) and everything else
// except `status` are kept as they are; a Pod keeps only the spec and status fields below. A
// field the model starts to read must be added here.
import type { RawObject } from './config.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The listed keys that `o` has, in that order. */
function pick(o: unknown, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObj(o)) return out;
  for (const k of keys) if (k in o) out[k] = o[k];
  return out;
}

function metadataOf(meta: unknown): Record<string, unknown> {
  if (!isObj(meta)) return {};
  const { managedFields: _m, resourceVersion: _r, ...kept } = meta;
  if (isObj(kept.annotations) && LAST_APPLIED in kept.annotations) {
    const { [LAST_APPLIED]: _l, ...annotations } = kept.annotations;
    kept.annotations = annotations;
  }
  return kept;
}

/** KubePodSpec and KubePodStatus (kube-types.ts), as far as present. */
function podFields(raw: RawObject): { spec?: unknown; status?: unknown } {
  const out: { spec?: unknown; status?: unknown } = {};
  if (raw.spec !== undefined) {
    const spec = pick(raw.spec, ['serviceAccountName', 'nodeName']);
    if (isObj(raw.spec) && Array.isArray(raw.spec.containers)) {
      spec.containers = raw.spec.containers.map((c) => pick(c, ['name', 'ports']));
    }
    out.spec = isObj(raw.spec) ? spec : raw.spec;
  }
  if (raw.status !== undefined) {
    const status = pick(raw.status, ['phase', 'podIP', 'podIPs']);
    if (isObj(raw.status) && Array.isArray(raw.status.conditions)) {
      status.conditions = raw.status.conditions.map((c) => pick(c, ['type', 'status']));
    }
    out.status = isObj(raw.status) ? status : raw.status;
  }
  return out;
}

/** A new object with what the model reads of `raw` (an object as the API server returns it). */
export function kubeReadFields(raw: RawObject): RawObject {
  const { status: _status, ...rest } = raw;
  const kept: RawObject = { ...rest, metadata: metadataOf(raw.metadata) };
  return raw.kind === 'Pod' ? { ...kept, ...podFields(raw) } : kept;
}
