// The demo's pieces on real inputs: the bundled bookinfo config, the bundled steps, and the
// rendering of frames as the `--no-tty` line and as a bar chart.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProgram } from '../../cli/main.js';
import { bar, renderChart, renderLine, type ChartFrame } from '../bar-chart.js';
import { readDemoPods } from '../demo-pods.js';
import { bookinfoDir, stepsDir } from '../demo-paths.js';
import { clearDemoState, readDemoState, writeDemoState } from '../demo-state.js';
import { ShareWindow, type WindowCounts } from '../share-window.js';
import { applyStep, listSteps } from '../steps.js';
import { MixPicker, parseUserMix } from '../user-mix.js';
import { decodeReply, encodeReply, methodFor } from '../workload-server.js';
import { repoRoot } from './repo-root.js';

const counts = (entries: Record<string, number>): WindowCounts => ({
  total: Object.values(entries).reduce((a, b) => a + b, 0),
  byOutcome: new Map(Object.entries(entries)),
});

describe('demo pods', () => {
  it('reads one workload per bookinfo Pod, with its IP, labels and Service ports', async () => {
    expect(bookinfoDir).toBe(path.join(repoRoot, 'examples', 'bookinfo'));
    const pods = await readDemoPods(bookinfoDir);
    const byName = Object.fromEntries(pods.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual([
      'details-v1-0',
      'productpage-v1-0',
      'ratings-v1-0',
      'reviews-v1-0',
      'reviews-v2-0',
      'reviews-v3-0',
    ]);
    expect(byName['reviews-v2-0']).toMatchObject({
      namespace: 'default',
      ip: '127.0.0.22',
      app: 'reviews',
      version: 'v2',
      ports: [9080],
    });
    expect(byName['productpage-v1-0'].labels).toEqual({ app: 'productpage', version: 'v1' });
  });
});

describe('workload protocol', () => {
  it('names the method after the app and round-trips the identity', () => {
    expect(methodFor('reviews')).toBe('/bookinfo.Reviews/Get');
    expect(methodFor('hello-web')).toBe('/bookinfo.HelloWeb/Get');
    const reply = { service: 'reviews', version: 'v3', pod: 'reviews-v3-0', ip: '127.0.0.23' };
    expect(decodeReply(encodeReply(reply))).toEqual(reply);
    expect(decodeReply(Buffer.from('not json'))).toBeUndefined();
    expect(decodeReply(Buffer.from('{"service":"x"}'))).toBeUndefined();
  });
});

describe('user mix', () => {
  it('parses name[:weight] lists and rejects malformed ones', () => {
    expect(parseUserMix('anonymous:1,jason:1')).toEqual([
      { name: 'anonymous', weight: 1 },
      { name: 'jason', weight: 1 },
    ]);
    expect(parseUserMix('anonymous:3, jason')).toEqual([
      { name: 'anonymous', weight: 3 },
      { name: 'jason', weight: 1 },
    ]);
    expect(parseUserMix('jason:x')).toMatch(/expected name\[:weight\]/);
    expect(parseUserMix('a,a')).toMatch(/listed twice/);
    expect(parseUserMix('a:0')).toMatch(/needs a weight/);
  });

  it('spreads calls exactly by weight in every round', () => {
    const picker = new MixPicker([
      { name: 'anonymous', weight: 3 },
      { name: 'jason', weight: 1 },
    ]);
    const picks = Array.from({ length: 8 }, () => picker.next());
    expect(picks.filter((p) => p === 'jason')).toHaveLength(2);
    expect(picks.slice(0, 4).filter((p) => p === 'jason')).toHaveLength(1);
  });
});

describe('share window', () => {
  it('counts per population over the window that ends now', () => {
    let now = 10_000;
    const window = new ShareWindow(5000, () => now);
    window.record('anonymous', 'v1');
    now += 2000;
    window.record('anonymous', 'v3');
    window.record('jason', 'v2');
    expect(window.counts('anonymous', 1000)).toEqual(counts({ v3: 1 }));
    expect(window.counts('anonymous', 5000)).toEqual(counts({ v1: 1, v3: 1 }));
    now += 4000; // the v1 call is now 6 s old: gone from every window
    window.record('jason', 'error');
    expect(window.counts('anonymous', 5000)).toEqual(counts({ v3: 1 }));
    expect(window.counts('jason', 5000)).toEqual(counts({ v2: 1, error: 1 }));
  });
});

describe('rendering', () => {
  const frame: ChartFrame = {
    elapsedS: 3,
    target: 'reviews.default.svc.cluster.local:9080',
    rate: 50,
    versions: ['v1', 'v2', 'v3'],
    populations: [
      { name: 'anonymous', recent: counts({ v1: 902, v3: 98 }), steady: counts({ v1: 9 }) },
      { name: 'jason', recent: counts({ v2: 20 }), steady: counts({ v2: 20 }) },
    ],
  };

  it('prints the --no-tty line: every version for the first population, answers for the others', () => {
    expect(renderLine(frame)).toBe('t=3s  v1 90.2%  v2 0.0%  v3 9.8%  (jason: v2 100.0%)');
    const failing: ChartFrame = {
      ...frame,
      populations: [
        { name: 'anonymous', recent: counts({ v1: 3, error: 1 }), steady: counts({}) },
        { name: 'jason', recent: counts({}), steady: counts({}) },
      ],
    };
    expect(renderLine(failing)).toBe(
      't=3s  v1 75.0%  v2 0.0%  v3 0.0%  err 25.0%  (jason: no calls)',
    );
  });

  it('draws bars to the eighth of a cell, colour only when asked', () => {
    expect(bar(1, 4)).toBe('████');
    expect(bar(0.5, 4)).toBe('██  ');
    expect(bar(0.0625, 4)).toBe('▎   ');
    expect(bar(0, 4)).toBe('    ');
    const plain = renderChart(frame, { width: 10 });
    expect(plain.join('\n')).not.toContain('\x1b[');
    expect(plain).toContain('  v1   █████████   90.2%  100.0%');
    expect(plain.some((l) => l.startsWith('end-user: jason'))).toBe(true);
    expect(renderChart(frame, { colour: true }).join('\n')).toContain('\x1b[32m');
  });
});

describe('steps', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'demo-steps-test-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('lists the bundled steps and copies one over the reviews VirtualService', async () => {
    expect(await listSteps()).toEqual(
      expect.arrayContaining(['all-v1', 'canary-50-50', 'canary-90-10', 'jason-v2', 'v3']),
    );
    const written = await applyStep('canary-50-50', dir);
    expect(written).toBe(path.join(dir, 'virtual-service-reviews.yaml'));
    expect(await fs.readFile(written, 'utf8')).toBe(
      await fs.readFile(path.join(stepsDir, 'canary-50-50.yaml'), 'utf8'),
    );
    expect(await fs.readdir(dir)).toEqual(['virtual-service-reviews.yaml']);
  });

  it('`mini-istiod demo step` takes --config-dir before or after the step name', async () => {
    const run = (...args: string[]) => buildProgram().parseAsync(['node', 'mini-istiod', ...args]);
    const vs = path.join(dir, 'virtual-service-reviews.yaml');
    await run('demo', 'step', 'v3', '--config-dir', dir);
    expect(await fs.readFile(vs, 'utf8')).toContain('subset: v3');
    await run('demo', '--config-dir', dir, 'step', 'jason-v2');
    expect(await fs.readFile(vs, 'utf8')).toContain('end-user');
  });

  it('refuses unknown steps and names the known ones', async () => {
    await expect(applyStep('../pods', dir)).rejects.toThrow(
      /unknown step "..\/pods".*canary-50-50/,
    );
    await expect(applyStep('v3', path.join(dir, 'missing'))).rejects.toThrow(/not a directory/);
  });

  it('records the running demo for `demo step`, ignoring records of dead processes', async () => {
    const file = path.join(dir, 'state.json');
    await writeDemoState({ pid: process.pid, configDir: '/x', xdsPort: 1, debugPort: 2 }, file);
    expect(await readDemoState(file)).toEqual({
      pid: process.pid,
      configDir: '/x',
      xdsPort: 1,
      debugPort: 2,
    });
    await writeDemoState({ pid: 2 ** 22 + 12345, configDir: '/y', xdsPort: 1, debugPort: 2 }, file);
    expect(await readDemoState(file)).toBeUndefined();
    await writeDemoState({ pid: process.pid, configDir: '/x', xdsPort: 1, debugPort: 2 }, file);
    await clearDemoState(process.pid, file);
    expect(await readDemoState(file)).toBeUndefined();
  });
});
