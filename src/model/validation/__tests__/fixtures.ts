// Test helpers: read a multi-document YAML fixture from the repo's testdata/ into raw documents.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { RawObject } from '../../config.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

export function testdata(...parts: string[]): string {
  return join(repoRoot, 'testdata', ...parts);
}

/** Non-empty documents of a YAML text, with their index in the file. */
export function yamlDocs(text: string): { object: RawObject; docIndex: number }[] {
  return parseAllDocuments(text)
    .map((d, docIndex) => ({ object: d.toJS() as RawObject, docIndex }))
    .filter((d) => d.object !== null && typeof d.object === 'object');
}

export function fileDocs(path: string): { object: RawObject; docIndex: number }[] {
  return yamlDocs(readFileSync(path, 'utf8'));
}
