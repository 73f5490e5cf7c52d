// `node bin/mini-istiod.js serve` on Linux/glibc runs the server as its child with glibc's malloc
// settings (src/cli/serve-malloc-tuning.ts). As users see it: the child has the variables and the
// CLI process does not; SIGTERM to the CLI process stops the server gracefully with its exit code;
// a failing server's exit code and a killed server's signal come out of the CLI process; a killed
// CLI process does not leave the server running; MINI_ISTIOD_MALLOC_TUNING=0 keeps one process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pollUntil } from '../support/mesh-harness.js';
import { REPO_ROOT, freePort } from '../support/server-process.js';

const CLI = path.join(REPO_ROOT, 'bin', 'mini-istiod.js');
const TUNING = ['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_'];

interface Run {
  cli: ChildProcess;
  log: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  debugUrl: string;
}

/** The environment of a user who has set no malloc variables. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', ...extra };
  for (const name of [...TUNING, 'GLIBC_TUNABLES', 'MINI_ISTIOD_MALLOC_TUNED_BY']) delete env[name];
  if (!('MINI_ISTIOD_MALLOC_TUNING' in extra)) delete env.MINI_ISTIOD_MALLOC_TUNING;
  return env;
}

async function serve(configDir: string, extraEnv?: Record<string, string>): Promise<Run> {
  const debugPort = await freePort();
  const args = ['serve', '--config-dir', configDir, '--xds-host', '127.0.0.1'];
  args.push('--xds-port', String(await freePort()), '--debug-port', String(debugPort));
  const cli = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: userEnv(extraEnv),
  });
  let log = '';
  cli.stderr?.setEncoding('utf8');
  cli.stderr?.on('data', (chunk: string) => (log += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    cli.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { cli, log: () => log, exit, debugUrl: `http://127.0.0.1:${debugPort}` };
}

async function ready(run: Run): Promise<void> {
  await pollUntil(
    () =>
      fetch(`${run.debugUrl}/ready`).then(
        (r) => r.status,
        () => 0,
      ),
    (status) => status === 200,
    { timeoutMs: 15_000, what: `server ready; log:\n${run.log()}` },
  );
}

/** Children of a process, from /proc (the parent pid is the 4th field of /proc/PID/stat). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function environOf(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(
    pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  );
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function onlyChild(run: Run): number {
  const children = childrenOf(run.cli.pid ?? -1);
  expect(children).toHaveLength(1);
  return children[0];
}

describe('serve with glibc malloc tuning (the CLI re-runs itself)', () => {
  let dir: string;
  const runs: Run[] = [];
  const start = async (extraEnv?: Record<string, string>) => {
    const run = await serve(dir, extraEnv);
    runs.push(run);
    return run;
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mini-istiod-malloc-'));
    writeFileSync(
      path.join(dir, 'namespace.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n',
    );
  });

  afterAll(() => {
    for (const run of runs) {
      for (const pid of [...childrenOf(run.cli.pid ?? -1), run.cli.pid ?? -1]) {
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves from a child that has the variables; SIGTERM to the CLI stops it with exit code 0', async () => {
    const run = await start();
    await ready(run);
    const server = onlyChild(run);
    const env = environOf(server);
    expect(TUNING.map((name) => `${name}=${env[name]}`)).toEqual([
      'MALLOC_ARENA_MAX=2',
      'MALLOC_MMAP_THRESHOLD_=32768',
      'MALLOC_TRIM_THRESHOLD_=262144',
    ]);
    expect(env.MINI_ISTIOD_MALLOC_TUNED_BY).toBe(String(run.cli.pid));
    const own = environOf(run.cli.pid ?? -1);
    expect(TUNING.filter((name) => name in own)).toEqual([]);

    run.cli.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.log()).toContain('SIGTERM: shutting down');
    expect(alive(server)).toBe(false);
  });

  it("passes on the server's failure exit code and its message", async () => {
    const run = await serve(path.join(dir, 'missing'));
    runs.push(run);
    expect(await run.exit).toEqual({ code: 1, signal: null });
    expect(run.log()).toContain('config directory');
  });

  it('dies of the signal that killed the server', async () => {
    const run = await start();
    await ready(run);
    process.kill(onlyChild(run), 'SIGKILL');
    expect(await run.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('a killed CLI process does not leave the server running: it stops gracefully', async () => {
    const run = await start();
    await ready(run);
    const server = onlyChild(run);
    run.cli.kill('SIGKILL');
    await run.exit;
    await pollUntil(
      async () => {
        await new Promise((r) => setTimeout(r, 50));
        return alive(server);
      },
      (running) => !running,
      { timeoutMs: 10_000, what: 'the orphaned server to stop' },
    );
    expect(run.log()).toContain('SIGTERM: shutting down');
  });

  it('MINI_ISTIOD_MALLOC_TUNING=0 serves from the CLI process itself', async () => {
    const run = await start({ MINI_ISTIOD_MALLOC_TUNING: '0' });
    await ready(run);
    expect(childrenOf(run.cli.pid ?? -1)).toEqual([]);
    run.cli.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.log()).toContain('SIGINT: shutting down');
  });
});
