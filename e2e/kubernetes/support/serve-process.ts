// `node bin/mini-istiod.js serve ...` as a child process with arbitrary flags (the file-mode
// helper in e2e/support/server-process.ts always passes --config-dir): started, awaited on its
// debug /ready, signalled, and its exit code and log kept for assertions and failure messages.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cluster.js';

const CLI = path.join(repoRoot, 'bin', 'mini-istiod.js');
const COMPILED_SERVE = path.join(repoRoot, 'dist', 'cli', 'commands', 'serve.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Fails with the fix when dist/ is missing or older than the Kubernetes flags of `serve`. */
function requireBuild(): void {
  let compiled = '';
  try {
    compiled = readFileSync(COMPILED_SERVE, 'utf8');
  } catch {
    // reported below
  }
  if (!compiled.includes('--kubeconfig')) {
    throw new Error(`${COMPILED_SERVE} is missing or stale: run \`npm run build\` first`);
  }
}

/** Runs the CLI to completion (for argument errors): exit code, stdout and stderr. */
export function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  requireBuild();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export class ServeProcess {
  log = '';
  private readonly exited: Promise<Exit>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (c: string) => (this.log += c));
    child.stderr?.on('data', (c: string) => (this.log += c));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** `serve` with `args`; resolves once http://127.0.0.1:<debugPort>/ready answers 200. */
  static async start(args: string[], debugPort: number, timeoutMs = 60_000): Promise<ServeProcess> {
    requireBuild();
    const child = spawn(process.execPath, [CLI, 'serve', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const serve = new ServeProcess(child);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!serve.running) throw new Error(`mini-istiod serve exited early:\n${serve.log}`);
      if ((await serve.status(debugPort, '/ready')) === 200) return serve;
      if (Date.now() > deadline) {
        await serve.stop('SIGKILL');
        throw new Error(`mini-istiod serve not ready after ${timeoutMs} ms:\n${serve.log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** HTTP status of a debug path, or 0 when nothing answers. */
  async status(debugPort: number, pathname: string): Promise<number> {
    try {
      const res = await fetch(`http://127.0.0.1:${debugPort}${pathname}`);
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const force = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(force);
    }
  }
}
