// mini-istiod as a child process, exactly as users run it (`node bin/mini-istiod.js serve`),
// on a config dir and free loopback ports. It runs the compiled CLI in dist/, so `npm run build`
// (run by `npm install` through `prepare`) must have happened first. Ports are kept across
// restart(), so clients reconnect to the same address, as proxies do when istiod restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO_ROOT, 'bin', 'mini-istiod.js');
const COMPILED_MAIN = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal being sent to the process being gone. */
  ms: number;
}

export interface ServerProcessOptions {
  configDir: string;
  xdsPort?: number;
  debugPort?: number;
  /** Push debounce quiet window (ms); the server's default is 100. */
  debounceMs?: number;
}

export class ServerProcess {
  /** Everything the process wrote to stderr (its log), for failure messages. */
  log = '';
  private child: ChildProcess | undefined;
  private exited: Promise<ExitInfo> | undefined;
  private killedAt = 0;

  private constructor(
    readonly configDir: string,
    readonly xdsPort: number,
    readonly debugPort: number,
    private readonly debounceMs: number | undefined,
  ) {}

  static async start(opts: ServerProcessOptions): Promise<ServerProcess> {
    if (!existsSync(COMPILED_MAIN)) {
      throw new Error(`${COMPILED_MAIN} is missing: run \`npm run build\` before the e2e tests`);
    }
    const xdsPort = opts.xdsPort ?? (await freePort());
    const debugPort = opts.debugPort ?? (await freePort());
    const server = new ServerProcess(opts.configDir, xdsPort, debugPort, opts.debounceMs);
    await server.launch();
    return server;
  }

  get debugUrl(): string {
    return `http://127.0.0.1:${this.debugPort}`;
  }

  get xdsAddress(): string {
    return `127.0.0.1:${this.xdsPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Starts the process (again) on the same ports and waits for /ready. */
  async launch(timeoutMs = 15_000): Promise<void> {
    const args = [
      CLI,
      'serve',
      '--config-dir',
      this.configDir,
      '--xds-host',
      '127.0.0.1',
      '--xds-port',
      String(this.xdsPort),
      '--debug-port',
      String(this.debugPort),
    ];
    if (this.debounceMs !== undefined) args.push('--debounce', String(this.debounceMs));
    // Its own process group: `serve` may run as a child of the CLI process (glibc malloc tuning,
    // src/cli/serve-malloc-tuning.ts), and stop() signals both, as a container runtime would.
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
      detached: true,
    });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.log += chunk;
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) =>
        resolve({ code, signal, ms: performance.now() - this.killedAt }),
      ),
    );
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`mini-istiod exited before it was ready:\n${this.log}`);
      }
      if ((await this.status('/ready')) === 200) return;
      if (performance.now() > deadline) {
        throw new Error(`mini-istiod not ready after ${timeoutMs} ms:\n${this.log}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** HTTP status of a debug path, or 0 when nothing answers. */
  async status(pathname: string): Promise<number> {
    try {
      const res = await fetch(`${this.debugUrl}${pathname}`);
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  async getJson<T = unknown>(pathname: string): Promise<T> {
    const res = await fetch(`${this.debugUrl}${pathname}`);
    if (!res.ok) throw new Error(`GET ${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Sends `signal` to its process group and waits for it to exit (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<ExitInfo> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) throw new Error('mini-istiod is not running');
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    this.killedAt = performance.now();
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // the group is already gone
      }
    };
    kill(signal);
    const timer = setTimeout(() => kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
      this.child = undefined;
    }
  }

  /** For afterAll: ends the process whatever its state. */
  async dispose(): Promise<void> {
    if (this.child) await this.stop('SIGKILL').catch(() => undefined);
  }
}
