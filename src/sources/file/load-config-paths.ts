// One-shot loading for offline commands (analyze, translate): every named file, and every config
// file below every named directory, read once and parsed. Problems with the paths themselves
// (missing, unreadable, unknown extension) come back as parse errors of that origin, so a command
// prints them with everything else instead of dying on the first one.
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import type { ConfigError } from '../../model/validation/types.js';
import type { SourceUpdate } from '../types.js';
import { isConfigFileName, RECOGNISED_EXTENSIONS } from './config-file-names.js';
import { parseConfigFile, PARSE_ERROR_CODE, PARSE_WARNING_CODE } from './parse.js';
import { walkConfigTree } from './walk-config-tree.js';

export async function loadConfigPaths(paths: string[]): Promise<SourceUpdate[]> {
  const updates: SourceUpdate[] = [];
  const seen = new Set<string>();
  const load = async (file: string): Promise<void> => {
    const abs = path.resolve(file);
    if (seen.has(abs)) return; // a file named twice, or also found in a named directory
    seen.add(abs);
    updates.push(await loadFile(file));
  };
  for (const p of paths) {
    let st: Stats;
    try {
      st = await fs.stat(p);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      updates.push(pathProblem(p, 'Error', `cannot read ${p}: ${err.code ?? err.message}`));
      continue;
    }
    if (st.isDirectory()) {
      for (const file of (await walkConfigTree(p)).files) await load(file);
    } else if (isConfigFileName(p)) {
      await load(p);
    } else {
      // Like `istioctl analyze`: a file named explicitly but of an unknown type is skipped, loudly.
      const exts = RECOGNISED_EXTENSIONS.join(' ');
      updates.push(pathProblem(p, 'Warning', `skipping ${p}: recognised extensions are ${exts}`));
    }
  }
  return updates;
}

async function loadFile(file: string): Promise<SourceUpdate> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    return pathProblem(file, 'Error', `cannot read ${file}: ${(e as Error).message}`);
  }
  const { documents, errors } = parseConfigFile(file, text);
  return { origin: file, documents, parseErrors: errors };
}

function pathProblem(
  file: string,
  severity: ConfigError['severity'],
  message: string,
): SourceUpdate {
  const code = severity === 'Error' ? PARSE_ERROR_CODE : PARSE_WARNING_CODE;
  return {
    origin: file,
    documents: [],
    parseErrors: [{ code, severity, source: { file }, message }],
  };
}
