// `mini-istiod demo step <name>`: puts `examples/steps/<name>.yaml` in place of the config dir's
// reviews VirtualService. The copy is written beside the target under a dot-name (which the
// file source ignores) and renamed over it, so the server never reads a half-written file.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { REVIEWS_VS_FILE, stepsDir } from './demo-paths.js';

/** The step names available, sorted. */
export async function listSteps(dir = stepsDir): Promise<string[]> {
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  return entries
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Applies step `name` to `configDir`; returns the file written. Throws with the known steps. */
export async function applyStep(name: string, configDir: string, dir = stepsDir): Promise<string> {
  const steps = await listSteps(dir);
  if (!steps.includes(name)) {
    throw new Error(`demo step: unknown step "${name}"; known steps: ${steps.join(', ')}`);
  }
  const stat = await fs.stat(configDir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new Error(`demo step: ${configDir} is not a directory`);
  const target = path.join(configDir, REVIEWS_VS_FILE);
  const temp = path.join(configDir, `.${REVIEWS_VS_FILE}.${process.pid}.tmp`);
  await fs.copyFile(path.join(dir, `${name}.yaml`), temp);
  await fs.rename(temp, target);
  return target;
}
