// A fresh clone of this repository's committed HEAD, and the commands a newcomer types in it.
// Uncommitted work in the outer tree is deliberately absent: the quick start must work from what
// a user would actually get.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment for commands in the clone: no jest/VM flags leaking into their Node. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  // npm forwards npm_config_* from an outer `npm test` run; the clone must see plain defaults.
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  return env;
}

/** Runs a command to completion in `cwd` (output captured, never inherited). */
export function run(cmd: string, args: string[], cwd: string, timeoutMs: number): CommandResult {
  const r = spawnSync(cmd, args, {
    cwd,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export class FreshClone {
  private constructor(
    readonly tmp: string,
    readonly dir: string,
  ) {}

  /** `git clone <repo> <tmp>/mini-istiod`: HEAD of the repository the tests run in. */
  static create(): FreshClone {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'mini-istiod-quickstart-'));
    const dir = path.join(tmp, 'mini-istiod');
    const r = run('git', ['clone', '--quiet', REPO_ROOT, dir], tmp, 120_000);
    if (r.status !== 0) throw new Error(`git clone failed:\n${r.stderr}`);
    return new FreshClone(tmp, dir);
  }

  run(cmd: string, args: string[], timeoutMs = 60_000): CommandResult {
    return run(cmd, args, this.dir, timeoutMs);
  }

  /**
   * Starts a long-running command in its own process group (as a shell job would be), so that
   * stop() reaches npm and the server it spawned alike.
   */
  spawn(cmd: string, args: string[]): ChildProcess {
    return spawn(cmd, args, {
      cwd: this.dir,
      env: cleanEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  remove(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
