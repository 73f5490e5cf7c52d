// The demo end to end, headless: mini-istiod, real gRPC workloads on loopback and a real
// grpc-js-xds client, as `mini-istiod demo --no-tty` runs them. The printed shares must follow
// the canary steps applied with `demo step`: all v1 → 50/50 v1/v3 → all v3, and with jason-v2
// the jason population moves alone. The config is a copy of examples/bookinfo moved to
// 127.0.86.x, so the test cannot collide with a demo (or another test) on the default addresses.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDemoStep } from '../../cli/commands/demo.js';
import { bookinfoDir } from '../demo-paths.js';
import { runDemo, type RunningDemo } from '../run-demo.js';
import { parseUserMix } from '../user-mix.js';

const TEST_TIMEOUT_MS = 60_000;

/** `t=3s  v1 90.2%  v2 0.0%  (jason: v2 100.0%)` → shares (0..100) of the first population and of jason. */
function parseLine(line: string): { main: Record<string, number>; jason: Record<string, number> } {
  const [head, jasonPart = ''] = line.split('(jason:');
  const sharesOf = (text: string) =>
    Object.fromEntries(
      [...text.matchAll(/(\w+) ([\d.]+)%/g)].map((m) => [m[1], Number(m[2])] as const),
    );
  return { main: sharesOf(head), jason: sharesOf(jasonPart) };
}

describe('mini-istiod demo --no-tty', () => {
  let configDir: string;
  let demo: RunningDemo | undefined;
  const lines: string[] = [];
  const logs: string[] = [];
  let pending = '';

  beforeAll(async () => {
    configDir = await fs.mkdtemp(path.join(os.tmpdir(), 'demo-live-test-'));
    for (const file of await fs.readdir(bookinfoDir)) {
      const text = await fs.readFile(path.join(bookinfoDir, file), 'utf8');
      await fs.writeFile(path.join(configDir, file), text.replaceAll('127.0.0.', '127.0.86.'));
    }
    const users = parseUserMix('anonymous:1,jason:1');
    if (typeof users === 'string') throw new Error(users);
    demo = await runDemo({
      configDir,
      tty: false,
      rate: 60,
      users,
      xdsPort: 0,
      debugPort: 0,
      recordState: false,
      out: {
        write: (text: string) => {
          const parts = (pending + text).split('\n');
          pending = parts.pop() ?? '';
          lines.push(...parts);
        },
      },
      log: (line) => logs.push(line),
    });
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await demo?.stop();
    await fs.rm(configDir, { recursive: true, force: true });
  });

  /** Waits for a share line that satisfies `ok` and returns it (with the lines printed after it so far). */
  async function waitForLine(
    what: string,
    ok: (shares: ReturnType<typeof parseLine>) => boolean,
    timeoutMs = 15_000,
  ): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    while (Date.now() < deadline) {
      for (; seen < lines.length; seen++) {
        if (lines[seen].startsWith('t=') && ok(parseLine(lines[seen]))) return seen;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `no line with ${what}; output:\n${lines.join('\n')}\nlogs:\n${logs.join('\n')}`,
    );
  }

  /** The next `n` share lines after index `from`. */
  async function nextLines(from: number, n: number): Promise<ReturnType<typeof parseLine>[]> {
    const shareLines = () => lines.slice(from + 1).filter((l) => l.startsWith('t='));
    while (shareLines().length < n) await new Promise((r) => setTimeout(r, 100));
    return shareLines().slice(0, n).map(parseLine);
  }

  it(
    'prints where it runs, then shares that follow each step',
    async () => {
      expect(demo?.target).toBe('reviews.default.svc.cluster.local:9080');
      expect(lines.join('\n')).toContain(`config dir (edit it live): ${configDir}`);
      expect(lines.join('\n')).toContain(
        'client: sidecar~127.0.86.11~productpage-v1-0.default~default.svc.cluster.local',
      );

      // The seed VirtualService sends everyone to v1.
      await waitForLine('all v1', (s) => s.main.v1 === 100 && s.jason.v1 === 100);

      // canary-50-50: v1 and v3 about half each (30 anonymous calls per 1 s line, so the band
      // is checked on the mean of three lines).
      expect(await runDemoStep('canary-50-50', { configDir })).toMatch(/applied step canary-50-50/);
      const first = await waitForLine(
        'v1/v3 split',
        (s) => s.main.v1 > 20 && s.main.v3 > 20 && s.main.v1 + s.main.v3 === 100,
      );
      const split = await nextLines(first - 1, 3);
      const mean = (v: string) =>
        split.reduce((sum, s) => sum + (s.main[v] ?? 0), 0) / split.length;
      expect(mean('v1')).toBeGreaterThan(30);
      expect(mean('v1')).toBeLessThan(70);
      expect(mean('v1') + mean('v3')).toBeCloseTo(100, 0);
      expect(split.every((s) => s.main.v2 === 0 && s.main.err === undefined)).toBe(true);

      // v3: everything moves to v3.
      await runDemoStep('v3', { configDir });
      const allV3 = await waitForLine('all v3', (s) => s.main.v3 === 100 && s.jason.v3 === 100);
      const after = await nextLines(allV3, 2);
      expect(after.every((s) => s.main.v3 === 100 && s.jason.v3 === 100)).toBe(true);

      // jason-v2: the two populations are shown apart; only jason's moves.
      await runDemoStep('jason-v2', { configDir });
      await waitForLine('jason on v2', (s) => s.main.v1 === 100 && s.jason.v2 === 100);
    },
    TEST_TIMEOUT_MS,
  );
});
