// One full, compacting garbage collection when the server goes quiet after pushes or a storm.
// V8 collects while JS allocates, so a burst of pushes or connections that ends leaves the heap
// at the size it grew to, full of garbage (the released push memo, replaced snapshots, closed
// streams and the Buffers and nghttp2 sessions they hold), until allocation resumes; V8's memory
// reducer starts only 8 s after a full collection and only if allocation stays low. At 2,000
// proxies, 20 s of endpoint churn left ~520 MB of heap in use and ~790 MB RSS behind it.
// A collection with compaction moves the survivors together and returns the emptied pages to
// the OS; the Buffers it frees go back to malloc. It stops the event loop for ~250 ms at that
// scale, so it runs only when nothing is pushed, at most once per quiet period, and only when the
// heap grew enough since the last one to be worth it.
//
// Node 20 has no public call for this: the collector is V8's `gc` extension, exposed to a new
// context once (`--expose-gc` set at run time reaches only contexts created afterwards), and the
// compaction is requested by switching V8's `--compact-on-every-full-gc` on around that one call
// (a plain full collection keeps fragmented pages). Where either is unavailable it is simply off.
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { sharedHeapTrim, type HeapTrim } from './native-heap-trim.js';

/** A synchronous full collection that compacts the old generation. */
export type CompactingGc = () => void;

/** `0`, `false`, `off` or `no` switches the idle collection off. */
export const IDLE_GC_ENV = 'MINI_ISTIOD_IDLE_GC';

/**
 * Growth of the footprint (heapFootprint) that makes a collection worth it: storms and full
 * pushes leave hundreds of MB behind, a small push a few tens, which V8 reclaims in its own time
 * and which would not pay for a ~250 ms collection.
 */
export const DEFAULT_MIN_GROWTH_BYTES = 128 * 1024 * 1024;

let processGc: CompactingGc | null | undefined;

/** The process's compacting collector, obtained on first use; undefined where V8 offers none. */
export function compactingGc(): CompactingGc | undefined {
  if (processGc === undefined) processGc = obtainCompactingGc() ?? null;
  return processGc ?? undefined;
}

function obtainCompactingGc(): CompactingGc | undefined {
  let gc: unknown = (globalThis as { gc?: unknown }).gc;
  try {
    if (typeof gc !== 'function') {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc');
    }
  } catch {
    return undefined;
  }
  if (typeof gc !== 'function') return undefined;
  const collect = gc as () => void;
  return () => {
    v8.setFlagsFromString('--compact-on-every-full-gc');
    try {
      collect();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
}

/** Committed V8 heap plus memory held outside it by JS objects (Buffers), in bytes. */
export function heapFootprint(): number {
  const s = v8.getHeapStatistics();
  return s.total_heap_size + s.external_memory;
}

/** Starts a sampler: each call returns the event loop's utilization (0..1) since the last one. */
export function loopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, last);
    last = now;
    return since.utilization;
  };
}

export interface IdleGcOptions {
  /** The collector; undefined: never collect. */
  gc: CompactingGc | undefined;
  /** What a collection can give back; default heapFootprint. */
  footprint?: () => number;
  minGrowthBytes?: number;
  /** Starts the sampler watch() reads once per interval; default loopUtilization. */
  utilization?: () => () => number;
  /** Returns freed native memory to the OS (native-heap-trim.ts), trimDelayMs after each collection. */
  trim?: HeapTrim;
  /**
   * V8 frees the Buffers a collection found dead on a background thread, shortly after the
   * collection returns: the trim waits for that. Default 500 ms.
   */
  trimDelayMs?: number;
}

/** How watch() recognizes a quiet server. */
export interface QuietWatch {
  /** A push (or anything that must come first) is under way: not quiet, whatever the loop does. */
  busy: () => boolean;
  intervalMs?: number;
  /** Consecutive intervals at or below maxUtilization before collecting. */
  quietIntervals?: number;
  maxUtilization?: number;
}

export class IdleGc {
  private readonly gc: CompactingGc | undefined;
  private readonly footprint: () => number;
  private readonly minGrowthBytes: number;
  private readonly utilization: () => () => number;
  private readonly trim: HeapTrim | undefined;
  private readonly trimDelayMs: number;
  /** Lowest footprint since the last collection (or since construction). */
  private baseline: number;
  /** Largest rise of the footprint over the baseline seen since the last collection. */
  private largestRise = 0;
  /** The loop was busy in watch()'s latest interval. */
  private loopBusy = false;

  constructor(options: IdleGcOptions) {
    this.gc = options.gc;
    this.footprint = options.footprint ?? heapFootprint;
    this.minGrowthBytes = options.minGrowthBytes ?? DEFAULT_MIN_GROWTH_BYTES;
    this.utilization = options.utilization ?? loopUtilization;
    this.trim = options.trim;
    this.trimDelayMs = options.trimDelayMs ?? 500;
    this.baseline = this.footprint();
  }

  /**
   * Call only while the server is quiet. Collects when the footprint rose by at least
   * minGrowthBytes over a low point at some time since the last collection, so a quiet period
   * after little work (one new proxy, one small push) costs nothing; returns whether it
   * collected. A rise counts even when the footprint has come down since (V8 collected some of it
   * itself, e.g. a storm after the memo release's collection): such a rise is the sign of a
   * burst whose leftovers only a compacting collection gives back.
   */
  run(): boolean {
    if (!this.gc) return false;
    this.observe();
    if (this.largestRise < this.minGrowthBytes) return false;
    this.gc();
    this.baseline = this.footprint();
    this.largestRise = 0;
    if (this.trim) setTimeout(this.trim, this.trimDelayMs).unref();
    return true;
  }

  /**
   * run(), unless watch() saw the event loop busy in its latest interval: then the collection
   * waits for watch() to find the loop quiet. Memory still in use at the end of a storm (responses
   * queued on sockets, sessions being set up) would otherwise survive the collection, become
   * garbage right after it, and stay: the footprint does not rise again, so nothing collects it.
   */
  runIfQuiet(): boolean {
    return this.loopBusy ? false : this.run();
  }

  /**
   * Calls run() each time the event loop has been nearly idle for quietIntervals intervals in a
   * row while busy() is false: the quiet after work that no memo release follows, e.g. a storm
   * of reconnecting proxies whose kept snapshots need no translation. When that run does not
   * collect but the loop was busy since the last such quiet moment, it trims (without delay: no
   * collection is freeing anything). Returns its stop function.
   */
  watch(quiet: QuietWatch): () => void {
    if (!this.gc) return () => {};
    const { busy, intervalMs = 1000, quietIntervals = 2, maxUtilization = 0.25 } = quiet;
    const sample = this.utilization();
    let quietSoFar = 0;
    // Work since the last trim: its frees (closed sessions, sent frames) need no collection to
    // reach malloc, so a quiet period after work trims even when it does not collect.
    let workSinceTrim = false;
    const timer = setInterval(() => {
      this.observe();
      this.loopBusy = sample() > maxUtilization;
      const idle = !this.loopBusy && !busy();
      if (!idle) workSinceTrim = true;
      quietSoFar = idle ? quietSoFar + 1 : 0;
      if (quietSoFar < quietIntervals) return;
      quietSoFar = 0;
      if (!this.run() && workSinceTrim) this.trim?.();
      workSinceTrim = false;
    }, intervalMs);
    // Never keeps the process alive on its own.
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Samples the footprint: lowers the baseline to it (V8 subtracts freed Buffers from its external
   * memory some time after the collection that freed them, so the footprint measured right after
   * a collection overstates what stays) and records the rise over the baseline.
   */
  private observe(): void {
    const now = this.footprint();
    this.baseline = Math.min(this.baseline, now);
    this.largestRise = Math.max(this.largestRise, now - this.baseline);
  }
}

export function idleGcEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !['0', 'false', 'off', 'no'].includes((env[IDLE_GC_ENV] ?? '').toLowerCase());
}

let shared: IdleGc | undefined;

/**
 * The process-wide idle collection (one V8 heap per process, so its servers share the baseline),
 * off when IDLE_GC_ENV says so.
 */
export function sharedIdleGc(): IdleGc {
  shared ??= new IdleGc({
    gc: idleGcEnabled() ? compactingGc() : undefined,
    trim: sharedHeapTrim().trim,
  });
  return shared;
}
