// Child-process plumbing shared by the grpc-go client and server helpers: spawn with captured
// output (kept for failure messages), wait for a TCP port, stop without leaking processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

const OUTPUT_LIMIT = 64 * 1024;

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last 64 KiB of stdout and stderr, interleaved. */
  output(): string;
  /** Set once the process has exited (code or signal). */
  exited(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(
  name: string,
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ManagedProcess {
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exit: string | undefined;
  const append = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    if (out.length > OUTPUT_LIMIT) out = out.slice(out.length - OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const gone = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
    child.on('error', (err) => {
      exit = `spawn error: ${err.message}`;
      resolve();
    });
  });
  return {
    name,
    child,
    output: () => out,
    exited: () => exit,
    async stop(graceMs = 2000): Promise<void> {
      if (exit !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once `host:port` accepts TCP connections; rejects if the process dies or time runs out. */
export async function waitForPort(
  proc: ManagedProcess,
  host: string,
  port: number,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = proc.exited();
    if (exit !== undefined) {
      throw new Error(
        `${proc.name} exited (${exit}) before listening on ${port}:\n${proc.output()}`,
      );
    }
    if (await canConnect(host, port)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${proc.name} did not listen on ${host}:${port} in ${timeoutMs} ms:\n${proc.output()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A TCP port that is free right now on every interface. The grpc-go interop binaries bind
 * `:port` (all interfaces), so the port is probed on the wildcard address, not on loopback only.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
