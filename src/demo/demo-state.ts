// How `demo step` finds the running demo without `--config-dir`: the demo records its pid and
// config dir in a small file in the OS temp dir, removed when it stops. A record whose process is
// gone (a demo that was killed) counts as no demo.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface DemoState {
  pid: number;
  configDir: string;
  xdsPort: number;
  debugPort: number;
}

export const defaultStateFile = (): string => path.join(os.tmpdir(), 'mini-istiod-demo.json');

export async function writeDemoState(state: DemoState, file = defaultStateFile()): Promise<void> {
  await fs.writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes the record if it is still this process's. */
export async function clearDemoState(pid = process.pid, file = defaultStateFile()): Promise<void> {
  const state = await readDemoState(file);
  if (state?.pid === pid) await fs.rm(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running demo's record, or undefined when there is none (or its process is gone). */
export async function readDemoState(file = defaultStateFile()): Promise<DemoState | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== 'number' || typeof v.configDir !== 'string') return undefined;
  if (!isAlive(v.pid)) return undefined;
  return {
    pid: v.pid,
    configDir: v.configDir,
    xdsPort: typeof v.xdsPort === 'number' ? v.xdsPort : 0,
    debugPort: typeof v.debugPort === 'number' ? v.debugPort : 0,
  };
}
