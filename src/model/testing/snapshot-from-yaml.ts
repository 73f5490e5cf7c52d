// Canonical test helper: turns a multi-document YAML string into a ConfigSnapshot (and a
// PushContext) without running validation, so tests of the registry, the push context and
// translation can state their world as plain Kubernetes/Istio YAML.
import { parseAllDocuments } from 'yaml';

import { buildPushContext, snapshotFromResources } from '../build-push-context.js';
import { DEFAULT_MESH_CONFIG } from '../config.js';
import type { ConfigResource, MeshConfig, ObjectMeta, RawObject } from '../config.js';
import type { ConfigSnapshot, PushContext } from '../push-context.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Plain conversion of a parsed object into a ConfigResource: namespace defaults to `default`,
 * `spec` is the object's `spec`, or (for kinds without one, such as Endpoints and EndpointSlice)
 * the object's other top-level fields. Throws on a document without kind or metadata.name,
 * since a test fixture like that is a bug in the test.
 */
export function resourceFromObject(
  obj: RawObject,
  file = 'test.yaml',
  docIndex = 0,
): ConfigResource {
  const kind = obj.kind;
  const meta = obj.metadata;
  if (typeof kind !== 'string' || !isRecord(meta) || typeof meta.name !== 'string') {
    throw new Error(`${file}[${docIndex}]: document needs kind and metadata.name`);
  }
  const namespace =
    typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default';
  let spec: unknown = obj.spec;
  if (spec === undefined) {
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') rest[k] = v;
    }
    spec = rest;
  }
  return {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind,
    metadata: { ...(meta as unknown as ObjectMeta), namespace },
    spec: spec ?? {},
    raw: obj,
    source: { file, docIndex },
  };
}

/** Parses every non-empty document of a multi-document YAML string into ConfigResources. */
export function resourcesFromYaml(text: string, file = 'test.yaml'): ConfigResource[] {
  const out: ConfigResource[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${file}[${i}]: ${doc.errors[0].message}`);
    const obj: unknown = doc.toJS();
    if (obj === null || obj === undefined) return;
    if (!isRecord(obj)) throw new Error(`${file}[${i}]: document is not an object`);
    out.push(resourceFromObject(obj, file, i));
  });
  return out;
}

/** A ConfigSnapshot of everything in the YAML, each kind sorted by namespace/name. */
export function snapshotFromYaml(text: string, file = 'test.yaml'): ConfigSnapshot {
  return snapshotFromResources(resourcesFromYaml(text, file));
}

/** A PushContext over the YAML with Istio's default mesh config (overridable), version `1`. */
export function pushContextFromYaml(text: string, mesh: Partial<MeshConfig> = {}): PushContext {
  return buildPushContext(snapshotFromYaml(text), { ...DEFAULT_MESH_CONFIG, ...mesh }, '1');
}
