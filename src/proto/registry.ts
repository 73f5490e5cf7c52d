// The one protobuf type registry of the process: every file generated under src/gen (plus the
// well-known types they import). Anything that resolves an Any (unpacking, JSON with `@type`,
// the PGV validator) goes through it, so a type missing here is a type we cannot serve.
import { createRegistry } from '@bufbuild/protobuf';
import type { DescFile, DescMessage, Registry } from '@bufbuild/protobuf';
import { allGeneratedFiles } from '../gen/index.js';

const TYPE_URL_PREFIX = 'type.googleapis.com/';

function withDependencies(roots: readonly DescFile[]): DescFile[] {
  const seen = new Set<string>();
  const out: DescFile[] = [];
  const visit = (file: DescFile): void => {
    if (seen.has(file.name)) return;
    seen.add(file.name);
    file.dependencies.forEach(visit);
    out.push(file);
  };
  roots.forEach(visit);
  return out;
}

export const registry: Registry = createRegistry(...withDependencies(allGeneratedFiles));

/** `type.googleapis.com/<full name>`, the form Envoy expects in Any and in xDS type URLs. */
export function typeUrlOf(schema: DescMessage): string {
  return TYPE_URL_PREFIX + schema.typeName;
}

/** The message name of a type URL: everything after the last '/', as the Any spec defines. */
export function typeNameOfUrl(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/** The schema of a type URL (or bare full name), or undefined when it is not in the registry. */
export function findMessageSchema(typeUrl: string): DescMessage | undefined {
  return registry.getMessage(typeNameOfUrl(typeUrl));
}
