// The two servers under test, behind one interface: mini-istiod (its CLI, watching a config
// directory) and the go-control-plane baseline (loading exported snapshot sets on request).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ServerCounters {
  bytesSent: number;
  responses: number;
  /** V8 heap in use (mini-istiod only: /debug/push_status memory). */
  heapUsedBytes?: number;
}

/** One mini-istiod push as /debug/push_status reports it. */
export interface PushSummary {
  version: string;
  time: string;
  endpointOnly: boolean;
  proxies: number;
  changedProxies: number;
  durationMs: number;
}

export interface BenchServer {
  readonly name: 'mini-istiod' | 'go-control-plane';
  readonly pid: number;
  readonly target: string;
  counters(): Promise<ServerCounters>;
  /** Pushes seen so far (mini-istiod only; the baseline has no push concept). */
  pushes(): PushSummary[];
  /** Writes a V8 heap snapshot of the server; resolves with its path (mini-istiod with heapSnapshotDir). */
  heapSnapshot?(): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
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

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface MiniIstiodOptions {
  configDir: string;
  /** Directory for a V8 CPU profile of the server (`--cpu-prof`), if wanted. */
  cpuProfDir?: string;
  /** Arms the server's SIGUSR2 heap snapshot (MINI_ISTIOD_HEAP_SNAPSHOT_DIR) into this directory. */
  heapSnapshotDir?: string;
  /** Extra environment of the server process (e.g. glibc malloc tuning). */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export async function startMiniIstiod(opts: MiniIstiodOptions): Promise<BenchServer> {
  const [xdsPort, debugPort] = [await freePort(), await freePort()];
  const nodeArgs: string[] = [];
  if (opts.cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(here, 'serve-entry.js'),
      'serve',
      '--config-dir',
      opts.configDir,
      '--xds-host',
      '127.0.0.1',
      '--xds-port',
      String(xdsPort),
      '--debug-port',
      String(debugPort),
      '--quiet',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        ...opts.env,
        ...(opts.heapSnapshotDir ? { MINI_ISTIOD_HEAP_SNAPSHOT_DIR: opts.heapSnapshotDir } : {}),
      },
    },
  );
  const log = opts.log;
  if (child.stderr)
    createInterface({ input: child.stderr }).on('line', (l) => log?.(`[mini-istiod] ${l}`));
  const debug = `http://127.0.0.1:${debugPort}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mini-istiod exited with ${child.exitCode}`);
    const ok = await fetch(`${debug}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('mini-istiod did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  const seen = new Map<string, PushSummary>();
  const poll = async (): Promise<{ bytesSent: number; pushes: number; heapUsed?: number }> => {
    const body = (await getJson(`${debug}/debug/push_status`)) as {
      recent: PushSummary[];
      counters: { bytesSent: number; pushes: number };
      memory?: { heapUsed: number };
    };
    for (const r of body.recent) seen.set(`${r.version}@${r.time}`, r);
    return { ...body.counters, heapUsed: body.memory?.heapUsed };
  };
  // push_status keeps only the last pushes; poll so that none is missed during churn.
  const poller = setInterval(() => void poll().catch(() => undefined), 500);
  return {
    name: 'mini-istiod',
    pid: child.pid ?? 0,
    target: `127.0.0.1:${xdsPort}`,
    async counters() {
      const c = await poll();
      return { bytesSent: c.bytesSent, responses: c.pushes, heapUsedBytes: c.heapUsed };
    },
    pushes: () => [...seen.values()],
    async heapSnapshot() {
      const dir = opts.heapSnapshotDir;
      if (!dir) throw new Error('heap snapshots need heapSnapshotDir');
      const before = new Set(readdirSync(dir));
      child.kill('SIGUSR2');
      // The snapshot is written synchronously: once a new file exists and /ready answers again,
      // it is complete.
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        const added = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
        if (
          added &&
          (await fetch(`${debug}/ready`).then(
            (r) => r.ok,
            () => false,
          ))
        )
          return path.join(dir, added);
      }
    },
    async stop() {
      clearInterval(poller);
      await stopChild(child);
    },
  };
}

export interface GoServer extends BenchServer {
  /** Replaces every node's snapshot with the set in `file`; resolves once all are set. */
  load(file: string): Promise<void>;
}

export async function startGoControlPlane(binary: string, initialSet: string): Promise<GoServer> {
  const child = spawn(binary, ['-set', initialSet], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    if (!child.stdout) return reject(new Error('no stdout'));
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`go-control-plane exited with ${code}`)));
  });
  const ports = JSON.parse(first) as { xdsPort: number; controlPort: number };
  const control = `http://127.0.0.1:${ports.controlPort}`;
  return {
    name: 'go-control-plane',
    pid: child.pid ?? 0,
    target: `127.0.0.1:${ports.xdsPort}`,
    async counters() {
      const s = (await getJson(`${control}/stats`)) as { bytesSent: number; responses: number };
      return { bytesSent: s.bytesSent, responses: s.responses };
    },
    pushes: () => [],
    async load(file: string) {
      await getJson(`${control}/load?path=${encodeURIComponent(file)}`);
    },
    stop: () => stopChild(child),
  };
}
