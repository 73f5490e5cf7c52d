// The openAPIV3Schema of every Istio kind and version, read from the CRDs shipped in
// manifests/crds/istio-crds.yaml. The file is parsed once, on first use, and cached.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { OpenApiSchema } from './openapi-schema.js';

const CRD_FILE = join('manifests', 'crds', 'istio-crds.yaml');

/** The package root: the nearest ancestor of this module holding manifests/crds (src/ and dist/ alike). */
function findCrdFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, CRD_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find ${CRD_FILE} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

let cache: Map<string, OpenApiSchema> | undefined;

function load(): Map<string, OpenApiSchema> {
  const schemas = new Map<string, OpenApiSchema>();
  for (const doc of parseAllDocuments(readFileSync(findCrdFile(), 'utf8'))) {
    const crd: unknown = doc.toJS();
    if (typeof crd !== 'object' || crd === null) continue;
    const spec = (
      crd as { spec?: { group?: string; names?: { kind?: string }; versions?: unknown[] } }
    ).spec;
    for (const v of spec?.versions ?? []) {
      const version = v as { name?: string; schema?: { openAPIV3Schema?: OpenApiSchema } };
      if (spec?.group && spec.names?.kind && version.name && version.schema?.openAPIV3Schema) {
        schemas.set(
          `${spec.group}/${version.name}/${spec.names.kind}`,
          version.schema.openAPIV3Schema,
        );
      }
    }
  }
  return schemas;
}

/** Schema of e.g. (`networking.istio.io/v1`, `VirtualService`); undefined if no CRD serves it. */
export function crdSchema(apiVersion: string, kind: string): OpenApiSchema | undefined {
  cache ??= load();
  return cache.get(`${apiVersion}/${kind}`);
}
