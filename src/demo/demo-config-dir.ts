// The config dir a demo runs on: the one the user names, edited in place, or else a fresh copy of
// examples/bookinfo in a temp dir, so live edits and `demo step` never touch the repository.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bookinfoDir } from './demo-paths.js';

export interface DemoConfigDir {
  dir: string;
  /** True when the demo made the copy (and removes it when it stops). */
  temporary: boolean;
  dispose(): Promise<void>;
}

export async function prepareConfigDir(
  given?: string,
  source = bookinfoDir,
): Promise<DemoConfigDir> {
  if (given !== undefined) {
    const dir = path.resolve(given);
    const stat = await fs.stat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) throw new Error(`demo: --config-dir ${given} is not a directory`);
    return { dir, temporary: false, dispose: async () => undefined };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mini-istiod-demo-'));
  await fs.cp(source, dir, { recursive: true });
  return {
    dir,
    temporary: true,
    dispose: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
