// Which Kubernetes and Istio resources are watched, and their API versions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ISTIO_KINDS } from '../../../model/config.js';
import { pluralOf, watchedResources } from '../watched-resources.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

interface Crd {
  spec: { names: { kind: string; plural: string }; versions: { name: string; served: boolean }[] };
}

const crds = parseAllDocuments(
  readFileSync(path.join(repoRoot, 'manifests', 'crds', 'istio-crds.yaml'), 'utf8'),
)
  .map((d) => d.toJSON() as Crd | null)
  .filter((c): c is Crd => !!c && !!c.spec?.names);

describe('watched resources', () => {
  it.each(Object.keys(ISTIO_KINDS))(
    '%s: plural and a served version match the shipped CRD',
    (kind) => {
      const crd = crds.find((c) => c.spec.names.kind === kind);
      expect(crd).toBeDefined();
      expect(pluralOf(kind)).toBe(crd?.spec.names.plural);
      const served = crd?.spec.versions.filter((v) => v.served).map((v) => v.name) ?? [];
      expect(served).toContain('v1');
    },
  );

  it('follows every Istio kind plus the core kinds, each once', () => {
    const kinds = watchedResources().map((r) => r.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace',
        'Service',
        'EndpointSlice',
        'Pod',
        ...Object.keys(ISTIO_KINDS),
      ]),
    );
  });
});
