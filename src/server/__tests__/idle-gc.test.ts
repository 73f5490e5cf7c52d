// The idle collection: collects only after enough growth and once per growth, measures growth
// from the lowest footprint since its last collection (a rise that came down again counts), waits for a quiet event loop and no push,
// follows its environment switch, runs after a memo release (never before a pending one), and
// the real collector gives fragmented old-generation pages back.
import { jest } from '@jest/globals';
import v8 from 'node:v8';
import { compactingGc, IDLE_GC_ENV, IdleGc, idleGcEnabled } from '../idle-gc.js';
import { MemoReleaseTimer } from '../memo-release.js';

const MB = 1024 * 1024;

describe('IdleGc.run', () => {
  it('collects once the footprint grew by the minimum, then measures from after the collection', () => {
    let footprint = 100 * MB;
    const gc = jest.fn(() => {
      footprint = 120 * MB;
    });
    const idle = new IdleGc({ gc, footprint: () => footprint, minGrowthBytes: 32 * MB });
    footprint = 131 * MB;
    expect(idle.run()).toBe(false);
    footprint = 132 * MB;
    expect(idle.run()).toBe(true);
    expect(gc).toHaveBeenCalledTimes(1);
    // Quiet again after little work (e.g. one new proxy): nothing to gain.
    footprint = 140 * MB;
    expect(idle.run()).toBe(false);
    footprint = 152 * MB;
    expect(idle.run()).toBe(true);
    expect(gc).toHaveBeenCalledTimes(2);
  });

  it('measures growth from the lowest footprint seen since the last collection', () => {
    let footprint = 300 * MB;
    const gc = jest.fn();
    const idle = new IdleGc({ gc, footprint: () => footprint, minGrowthBytes: 32 * MB });
    // Freed Buffers leave V8's external memory only later.
    footprint = 220 * MB;
    expect(idle.run()).toBe(false);
    footprint = 260 * MB;
    expect(idle.run()).toBe(true);
  });

  it('counts a rise since the last collection even when the footprint came down again', () => {
    let footprint = 400 * MB;
    const gc = jest.fn(() => {
      footprint = 300 * MB;
    });
    const idle = new IdleGc({ gc, footprint: () => footprint, minGrowthBytes: 128 * MB });
    footprint = 600 * MB;
    expect(idle.run()).toBe(true); // e.g. the memo release's collection, mid-storm
    // The storm goes on: the heap rises by 200 MB, then V8 brings it down by itself.
    footprint = 500 * MB;
    jest.useFakeTimers();
    const stop = idle.watch({ busy: () => true }); // samples once a second, busy or not
    jest.advanceTimersByTime(1000);
    footprint = 380 * MB;
    jest.advanceTimersByTime(1000);
    stop();
    jest.useRealTimers();
    expect(idle.run()).toBe(true);
    expect(gc).toHaveBeenCalledTimes(2);
    // And not again without a new rise.
    footprint = 350 * MB;
    expect(idle.run()).toBe(false);
  });

  it('never collects without a collector', () => {
    let footprint = 0;
    const idle = new IdleGc({ gc: undefined, footprint: () => footprint });
    footprint = 1024 * MB;
    expect(idle.run()).toBe(false);
  });

  it('is on unless the environment switches it off', () => {
    expect(idleGcEnabled({})).toBe(true);
    expect(idleGcEnabled({ [IDLE_GC_ENV]: '1' })).toBe(true);
    for (const off of ['0', 'false', 'OFF', 'no']) {
      expect(idleGcEnabled({ [IDLE_GC_ENV]: off })).toBe(false);
    }
  });
});

describe('IdleGc.watch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** An IdleGc whose footprint always grew and whose loop utilization the test sets. */
  function grownIdleGc() {
    let footprint = 0;
    const gc = jest.fn();
    const loop = { utilization: 0 };
    const idle = new IdleGc({
      gc,
      footprint: () => (footprint += 64 * MB),
      minGrowthBytes: 32 * MB,
      utilization: () => () => loop.utilization,
    });
    return { idle, gc, loop };
  }

  it('collects after two quiet intervals in a row, again after two more, until stopped', () => {
    const { idle, gc, loop } = grownIdleGc();
    const stop = idle.watch({ busy: () => false });
    loop.utilization = 0.9;
    jest.advanceTimersByTime(5000);
    expect(gc).not.toHaveBeenCalled();
    loop.utilization = 0.05;
    jest.advanceTimersByTime(1000);
    expect(gc).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1000);
    expect(gc).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(2000);
    expect(gc).toHaveBeenCalledTimes(2);
    stop();
    jest.advanceTimersByTime(10_000);
    expect(gc).toHaveBeenCalledTimes(2);
  });

  it('restarts the count after a busy interval and never collects while busy', () => {
    const { idle, gc } = grownIdleGc();
    let busy = false;
    const stop = idle.watch({ busy: () => busy });
    jest.advanceTimersByTime(1000);
    busy = true;
    jest.advanceTimersByTime(5000);
    expect(gc).not.toHaveBeenCalled();
    busy = false;
    jest.advanceTimersByTime(1000);
    expect(gc).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1000);
    expect(gc).toHaveBeenCalledTimes(1);
    stop();
  });

  it('starts no timer without a collector', () => {
    const idle = new IdleGc({ gc: undefined });
    idle.watch({ busy: () => false });
    expect(jest.getTimerCount()).toBe(0);
  });
});

/**
 * A MemoReleaseTimer and its IdleGc (32 MB minimum growth), recording releases, collections and,
 * when trimDelayMs is given, trims in `order`.
 */
function recordingRelease(opts: {
  quietMs: number;
  busy: () => boolean;
  footprint: () => number;
  utilization: () => number;
  trimDelayMs?: number;
}): { order: string[]; timer: MemoReleaseTimer } {
  const order: string[] = [];
  const idle = new IdleGc({
    gc: () => order.push('collect'),
    footprint: opts.footprint,
    minGrowthBytes: 32 * MB,
    utilization: () => opts.utilization,
    trim: opts.trimDelayMs === undefined ? undefined : () => order.push('trim') > 0,
    trimDelayMs: opts.trimDelayMs,
  });
  const timer = new MemoReleaseTimer(opts.quietMs, opts.busy, () => order.push('release'), idle);
  return { order, timer };
}

describe('MemoReleaseTimer with an idle collection', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('collects right after the release, not before it, and not while a push runs', () => {
    let footprint = 0;
    let busy = false;
    const { order, timer } = recordingRelease({
      quietMs: 3000,
      busy: () => busy,
      footprint: () => footprint,
      // The loop is idle throughout: only the pending release and busy() hold the watch back.
      utilization: () => 0,
    });
    // A storm grew the heap; its last connection arms the release.
    footprint += 64 * MB;
    timer.schedule();
    jest.advanceTimersByTime(2999);
    expect(order).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(order).toEqual(['release', 'collect']);
    // Once per growth: the watch finds nothing more to gain.
    jest.advanceTimersByTime(10_000);
    expect(order).toEqual(['release', 'collect']);
    // A long push: neither the release nor the watch runs until it ends.
    busy = true;
    footprint += 64 * MB;
    timer.schedule();
    jest.advanceTimersByTime(10_000);
    expect(order).toEqual(['release', 'collect']);
    busy = false;
    jest.advanceTimersByTime(3000);
    expect(order).toEqual(['release', 'collect', 'release', 'collect']);
    timer.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('MemoReleaseTimer at the end of a storm', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('leaves the collection to the watch while the loop is still busy, then collects and trims', () => {
    let footprint = 0;
    let utilization = 0.9; // still writing the storm's responses
    const { order, timer } = recordingRelease({
      quietMs: 2000,
      busy: () => false,
      footprint: () => footprint,
      utilization: () => utilization,
      trimDelayMs: 100,
    });
    footprint += 64 * MB;
    timer.schedule();
    jest.advanceTimersByTime(2000);
    expect(order).toEqual(['release']);
    jest.advanceTimersByTime(3000);
    expect(order).toEqual(['release']);
    utilization = 0.01;
    jest.advanceTimersByTime(2000); // two quiet intervals
    expect(order).toEqual(['release', 'collect']);
    jest.advanceTimersByTime(100);
    expect(order).toEqual(['release', 'collect', 'trim']);
    // Quiet from now on: nothing more to collect or trim.
    jest.advanceTimersByTime(10_000);
    expect(order).toEqual(['release', 'collect', 'trim']);
    timer.stop();
  });

  it('trims in a quiet moment after work that grew too little to collect', () => {
    const order: string[] = [];
    let utilization = 0.9;
    const idle = new IdleGc({
      gc: () => order.push('collect'),
      footprint: () => 0,
      utilization: () => () => utilization,
      trim: () => order.push('trim') > 0,
    });
    const stop = idle.watch({ busy: () => false });
    jest.advanceTimersByTime(3000);
    utilization = 0;
    jest.advanceTimersByTime(2000);
    expect(order).toEqual(['trim']);
    jest.advanceTimersByTime(10_000);
    expect(order).toEqual(['trim']);
    stop();
  });
});

describe('compactingGc', () => {
  it('compacts a fragmented old generation and returns its pages', () => {
    const gc = compactingGc();
    expect(gc).toBeDefined();
    if (!gc) return;
    expect(compactingGc()).toBe(gc);
    // Old-generation objects of which every fourth survives: a plain full collection leaves the
    // pages in place, a compacting one empties and releases most of them.
    let all: { n: number; s: string }[] = [];
    for (let i = 0; i < 1_500_000; i++) all.push({ n: i, s: `x${i}` });
    gc();
    const kept = all.filter((_, i) => i % 4 === 0);
    all = [];
    const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
    const before = oldSpace()?.space_size ?? 0;
    gc();
    const after = oldSpace()?.space_size ?? 0;
    expect(kept).toHaveLength(375_000);
    // ~75 MB are freed; the worker's other heap contents vary, so only the release is asserted.
    expect(before - after).toBeGreaterThan(40 * MB);
  });
});
