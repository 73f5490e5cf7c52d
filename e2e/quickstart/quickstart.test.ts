// The README's quick start, walked on a fresh clone of the committed HEAD: `npm install` (set-up:
// install, generate the Envoy codecs, build), `npm start` (the server on examples/bookinfo), one
// real call through it by a proxyless gRPC client, a live edit of the served config, then SIGTERM
// and `node bin/mini-istiod.js --help`.
//
// npm start forwards extra arguments to `serve` (`npm start -- --xds-port N`); the test uses that
// to take free ports instead of 15010/15014, so it cannot collide with a demo or server already
// running on this machine. The reviews workloads bind the addresses examples/bookinfo/pods.yaml
// gives them (127.0.0.21-23:9080), exactly as `mini-istiod demo` would.
import type { ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { pollUntil } from '../support/mesh-harness.js';
import { freePort } from '../support/server-process.js';
import { startWorkloads, Workload } from '../support/workloads.js';
import { MeshClient, type Tally } from '../support/xds-client.js';
import { FreshClone } from './fresh-clone.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const REVIEWS = 'xds:///reviews.default.svc.cluster.local:9080';
const PRODUCTPAGE = {
  podName: 'productpage-v1-0',
  namespace: 'default',
  ip: '127.0.0.11',
  labels: { app: 'productpage', version: 'v1' },
};

interface TypeSync {
  state: string;
}
interface ProxySync {
  name: string;
  generator?: string;
  cds: TypeSync;
  lds: TypeSync;
  eds: TypeSync;
  rds: TypeSync;
}

const versions = (t: Tally): string => [...t.byVersion.keys()].sort().join(',');

/** npm's diagnosis without its usage text: the lines that say what went wrong. */
function npmFailure(stderr: string): string {
  const lines = stderr
    .split('\n')
    .filter((l) => /error (code|Missing|Invalid)|in sync|ERR!/.test(l));
  return (lines.length > 0 ? lines.slice(0, 30) : stderr.split('\n').slice(-40)).join('\n');
}

describe('README quick start on a fresh clone', () => {
  let clone: FreshClone;
  let server: ChildProcess | undefined;
  let serverExit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let serverLog = '';
  let debugUrl = '';
  let xdsPort = 0;
  let client: MeshClient | undefined;
  let installed = false;
  const reviews = ['v1', 'v2', 'v3'].map(
    (v, i) => new Workload(`reviews-${v}-0`, v, `127.0.0.${21 + i}`),
  );

  beforeAll(() => {
    clone = FreshClone.create();
  });

  afterAll(async () => {
    client?.close();
    await Promise.all(reviews.map((w) => w.stop()));
    if (server?.pid !== undefined && server.exitCode === null && server.signalCode === null) {
      process.kill(-server.pid, 'SIGKILL');
    }
    clone?.remove();
  });

  it('npm install installs, generates the codecs and builds', () => {
    const r = clone.run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund'], 600_000);
    if (r.status !== 0)
      throw new Error(`npm install failed (${r.status}):\n${npmFailure(r.stderr)}`);
    installed = true;
    const help = clone.run(process.execPath, ['bin/mini-istiod.js', '--version']);
    expect(help.status).toBe(0);
    expect(help.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 660_000);

  it('npm start serves examples/bookinfo until /ready', async () => {
    if (!installed) throw new Error('npm install failed: see the first test');
    xdsPort = await freePort();
    const debugPort = await freePort();
    const url = `http://127.0.0.1:${debugPort}`;
    const child = clone.spawn(NPM, [
      'start',
      '--',
      '--xds-port',
      String(xdsPort),
      '--debug-port',
      String(debugPort),
    ]);
    server = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => (serverLog += chunk));
    }
    serverExit = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const ready = await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`npm start exited:\n${serverLog}`);
        return fetch(`${url}/ready`).then(
          (res) => res.status,
          () => 0,
        );
      },
      (status) => status === 200,
      { timeoutMs: 30_000, what: `npm start ready; log:\n${serverLog}` },
    );
    expect(ready.value).toBe(200);
    expect(serverLog).toContain('serve --config-dir examples/bookinfo');
    expect(serverLog).toContain(`mini-istiod ready: xDS on 0.0.0.0:${xdsPort}`);
    debugUrl = url;
    const registry = await fetch(`${debugUrl}/debug/registryz`).then((res) => res.text());
    expect(registry).toContain('reviews.default.svc.cluster.local');
  }, 60_000);

  it('a proxyless gRPC client calls reviews through it: all v1, as virtual-service-reviews.yaml says', async () => {
    if (debugUrl === '') throw new Error('skipped: npm start failed');
    await startWorkloads(reviews, 9080);
    client = new MeshClient(`127.0.0.1:${xdsPort}`, PRODUCTPAGE, REVIEWS);
    const c = client;
    // The first call waits for LDS → RDS → CDS → EDS; poll rather than guess how long that takes.
    const first = await pollUntil(
      () => c.run(5),
      (t) => t.failures === 0,
      { timeoutMs: 20_000, what: 'first successful calls' },
    );
    expect(versions(first.value)).toBe('v1');
    const tally = await c.run(40, { headers: { 'end-user': 'jason' } });
    expect(tally.count('OK')).toBe(40);
    expect(tally.byWorkload.get('reviews-v1-0')).toBe(40);

    const syncz = await pollUntil(
      () => fetch(`${debugUrl}/debug/syncz`).then((res) => res.json() as Promise<ProxySync[]>),
      (list) => list.some((p) => p.name === 'productpage-v1-0.default' && p.eds.state === 'SYNCED'),
      { timeoutMs: 5_000, what: 'client SYNCED in /debug/syncz' },
    );
    const me = syncz.value.find((p) => p.name === 'productpage-v1-0.default');
    expect(me?.generator).toBe('grpc');
    expect([me?.lds.state, me?.rds.state, me?.cds.state, me?.eds.state]).toEqual([
      'SYNCED',
      'SYNCED',
      'SYNCED',
      'SYNCED',
    ]);
  }, 60_000);

  it('editing examples/bookinfo re-routes live: the v3 step moves every call to v3', async () => {
    const c = client;
    if (!c) throw new Error('no client: the previous test failed');
    copyFileSync(
      path.join(clone.dir, 'examples', 'steps', 'v3.yaml'),
      path.join(clone.dir, 'examples', 'bookinfo', 'virtual-service-reviews.yaml'),
    );
    const moved = await pollUntil(
      () => c.run(10),
      (t) => t.failures === 0 && versions(t) === 'v3',
      { timeoutMs: 10_000, what: 'calls on v3 after the edit' },
    );
    expect(moved.value.byWorkload.get('reviews-v3-0')).toBe(10);
  }, 30_000);

  it('SIGTERM to npm start stops the server', async () => {
    const child = server;
    if (child?.pid === undefined) throw new Error('npm start is not running');
    process.kill(-child.pid, 'SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 10_000, 'timeout'));
    const exit = await Promise.race([serverExit, timeout]);
    expect(exit).not.toBe('timeout');
    // npm itself exits on the signal at once; the server (its child, same process group) logs the
    // shutdown and closes its ports a moment later, so wait for that rather than race it.
    const ready = () =>
      fetch(`${debugUrl}/ready`).then(
        (res) => res.status,
        () => 0,
      );
    await pollUntil(
      async () => ({ status: await ready(), log: serverLog }),
      (s) => s.status === 0 && s.log.includes('SIGTERM: shutting down'),
      { timeoutMs: 10_000, what: 'the server logging its shutdown and closing its debug port' },
    );
  }, 25_000);

  it('node bin/mini-istiod.js --help lists every command', () => {
    const r = clone.run(process.execPath, ['bin/mini-istiod.js', '--help']);
    expect(r.status).toBe(0);
    for (const command of ['serve', 'translate', 'analyze', 'bootstrap', 'demo', 'explain']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
    expect(r.stdout).toMatch(/^\s+proxy-config\|pc\b/m);
  });
});
