// The native heap trim: built where the platform allows it, loaded from where `npm run build` puts
// it, switched off by its variable, reported (not thrown) when missing, and it does give free pages
// in the middle of malloc's heap back to the OS; the idle collection calls it after collecting.
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compactingGc, IdleGc } from '../idle-gc.js';
import { defaultModulePaths, HEAP_TRIM_ENV, loadHeapTrim } from '../native-heap-trim.js';

const MB = 1024 * 1024;

const glibc = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } };
const compilerPresent = spawnSync(process.env.CC || 'cc', ['--version']).status === 0;
const buildable =
  process.platform === 'linux' &&
  glibc.header?.glibcVersionRuntime !== undefined &&
  compilerPresent;

describe('loadHeapTrim', () => {
  it(
    buildable
      ? 'loads the module `npm run build` compiled for this Linux/glibc machine'
      : 'reports that the module is not built on this machine',
    () => {
      const loaded = loadHeapTrim({});
      if (buildable) {
        expect(loaded.trim).toBeDefined();
        expect('path' in loaded && defaultModulePaths().includes(loaded.path)).toBe(true);
        expect(typeof loaded.trim?.()).toBe('boolean');
      } else {
        expect(loaded.trim).toBeUndefined();
        expect('reason' in loaded && loaded.reason).toMatch(/not built/);
      }
    },
  );

  it.each(['0', 'off', 'false', 'NO'])('is switched off by %s=%s', (value) => {
    const loaded = loadHeapTrim({ [HEAP_TRIM_ENV]: value });
    expect(loaded.trim).toBeUndefined();
    expect('reason' in loaded && loaded.reason).toBe(`switched off by ${HEAP_TRIM_ENV}`);
  });

  it('reports a missing or broken module instead of throwing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'heap-trim-'));
    try {
      const missing = loadHeapTrim({}, [path.join(dir, 'malloc-trim.node')]);
      expect('reason' in missing && missing.reason).toMatch(/not built/);
      const broken = path.join(dir, 'broken.node');
      writeFileSync(broken, 'not a shared object');
      const notLoaded = loadHeapTrim({}, [broken]);
      expect(notLoaded.trim).toBeUndefined();
      expect('reason' in notLoaded && notLoaded.reason).toContain(`${broken} does not load`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Where the module cannot be built, the first test above checks the reported reason instead.
if (buildable) {
  describe('the built trim on this machine', () => {
    it('returns free pages between live allocations to the OS', async () => {
      const { trim } = loadHeapTrim({});
      const gc = compactingGc();
      expect(trim).toBeDefined();
      expect(gc).toBeDefined();
      // 24,000 Buffers of 12 KiB (below any mmap threshold: they come from malloc's heap); every
      // 8th stays alive, so the freed ones are holes that free() alone cannot return.
      let buffers: Buffer[] = [];
      for (let i = 0; i < 24_000; i++) buffers.push(Buffer.allocUnsafeSlow(12 * 1024).fill(i));
      const kept = buffers.filter((_, i) => i % 8 === 0);
      buffers = [];
      gc!();
      await new Promise((r) => setTimeout(r, 300)); // V8 frees dead Buffers off the main thread
      const before = process.memoryUsage().rss;
      trim!();
      const after = process.memoryUsage().rss;
      // ~246 MB were freed in 84 KiB holes; each hole holds 20 whole pages.
      expect((before - after) / MB).toBeGreaterThan(100);
      expect(kept.every((b, i) => b[0] === (i * 8) % 256)).toBe(true);
    });
  });
}

describe('IdleGc with a trim', () => {
  it('trims trimDelayMs after each collection, and not when it does not collect', () => {
    jest.useFakeTimers();
    try {
      let footprint = 100 * MB;
      const trim = jest.fn(() => true);
      const idle = new IdleGc({
        gc: () => {},
        footprint: () => footprint,
        minGrowthBytes: 32 * MB,
        trim,
        trimDelayMs: 400,
      });
      expect(idle.run()).toBe(false);
      jest.advanceTimersByTime(1000);
      expect(trim).not.toHaveBeenCalled();
      footprint = 140 * MB;
      expect(idle.run()).toBe(true);
      jest.advanceTimersByTime(399);
      expect(trim).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(trim).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
