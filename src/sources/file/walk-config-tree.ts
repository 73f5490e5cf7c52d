// Recursive listing of the config files below a directory, in a stable (sorted) order. Follows
// symlinks (ConfigMap volumes are symlink farms) but visits each real directory once, so a link
// loop cannot recurse forever. Paths come back in the same form as `dir` (relative stays relative).
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { isConfigFileName, isIgnoredName } from './config-file-names.js';

export interface ConfigTree {
  files: string[];
  dirs: string[];
}

export async function walkConfigTree(dir: string): Promise<ConfigTree> {
  const tree: ConfigTree = { files: [], dirs: [] };
  await walk(dir, tree, new Set());
  return tree;
}

async function walk(dir: string, tree: ConfigTree, seen: Set<string>): Promise<void> {
  let real: string;
  let entries: Dirent[];
  try {
    real = await fs.realpath(dir);
    if (seen.has(real)) return;
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isVanished(e)) return; // removed while we were walking: the watcher reports it
    throw e;
  }
  seen.add(real);
  tree.dirs.push(dir);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (isIgnoredName(entry.name)) continue;
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await fs.stat(full).catch(() => undefined); // dangling links are skipped
      isDir = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDir) await walk(full, tree, seen);
    else if (isFile && isConfigFileName(entry.name)) tree.files.push(full);
  }
}

/** The path (or a parent) disappeared or stopped being a directory under our feet. */
export function isVanished(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
