// The embedded default config source: every `*.yaml|*.yml|*.json` below one or more directories
// (`--config-dir`, repeatable), loaded at start and then watched live.
//
// Contract (see ConfigSource): one SourceUpdate per file, its origin being the directory as given
// joined with the file's relative path; a deleted file yields `removed: true`; a rename yields the
// removal of the old origin and the new origin (removals come first within a batch, so a store
// never sees the same resource in both files at once).
//
// Why it is built this way:
// - fs.watch is per directory (recursive watching is unreliable on Linux under Node 20), so every
//   directory gets its own watcher, and watchers are added for new subdirectories as they appear.
// - Events are debounced per path (quiet window, bounded by a max wait), and a file is read only
//   when its stat is the same before and after the read: we never act on a half-written file.
// - Settled files are delivered together once no path is inside its quiet window any more (or the
//   oldest waited the max wait): a burst over several files is one batch, already quiet, so the
//   updates are marked `settled` and the push needs no debounce window of its own.
// - A file that fails to parse right after a change is looked at once more after the quiet window
//   before its error is reported (a writer may have paused mid-file); a lasting error is reported.
// - Editors save by writing a temp file and renaming it over the original; that is just an event
//   for the original's name, and unchanged content (same hash) is not re-emitted.
// - Events can be lost (overflowing inotify queues, network file systems, ConfigMap symlink swaps
//   that touch only dot-directories), so a periodic rescan compares stats and fills the gaps.
import { createHash } from 'node:crypto';
import { statSync, watch, promises as fs, type FSWatcher, type Stats } from 'node:fs';
import path from 'node:path';
import type { ConfigSource, SourceUpdate } from '../types.js';
import { isConfigFileName, isIgnoredName } from './config-file-names.js';
import { KeyedDebouncer } from './keyed-debouncer.js';
import { parseConfigFile, PARSE_ERROR_CODE } from './parse.js';
import { readStable, sameStamp, stampOf, type FileStamp } from './read-stable.js';
import { isVanished, walkConfigTree } from './walk-config-tree.js';

export interface FileSourceOptions {
  /** A path must be quiet this long before it is read (default 100 ms). */
  quietMs?: number;
  /** ...but is read at the latest this long after the first event of a burst (default 1 s). */
  maxWaitMs?: number;
  /** Period of the fallback rescan; 0 disables it (default 5 s). */
  rescanIntervalMs?: number;
  /** Watcher and I/O failures that are not about a file's content (default: ignored). */
  onError?: (err: Error) => void;
}

interface Root {
  given: string;
  abs: string;
}

interface KnownFile {
  origin: string;
  stamp: FileStamp;
  hash: string;
}

export class FileSource implements ConfigSource {
  private readonly roots: Root[];
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private readonly rescanIntervalMs: number;
  private readonly onError: (err: Error) => void;
  private readonly debouncer: KeyedDebouncer<string>;
  /** Files whose state has been delivered, by absolute path. */
  private readonly known = new Map<string, KnownFile>();
  private readonly watchers = new Map<string, FSWatcher>();
  /** Paths whose parse error is being given a second look before it is reported. */
  private readonly retried = new Set<string>();
  /** Paths being settled; `true` when another event arrived meanwhile and a re-run is due. */
  private readonly busy = new Map<string, boolean>();
  private queue: SourceUpdate[] = [];
  /** When the oldest update in `queue` was queued (bounds how long a busy tree holds it). */
  private queuedAt = 0;
  private holdTimer?: NodeJS.Timeout;
  private inFlight = 0;
  private flushScheduled = false;
  private delivering = false;
  private stopped = false;
  private onUpdate?: (updates: SourceUpdate[]) => void;
  private rescanTimer?: NodeJS.Timeout;
  private rescanSoonTimer?: NodeJS.Timeout;
  private rescanning?: Promise<void>;

  constructor(dirs: string[], options: FileSourceOptions = {}) {
    if (dirs.length === 0) throw new Error('FileSource needs at least one directory');
    this.roots = dirs.map((given) => ({ given, abs: path.resolve(given) }));
    this.quietMs = options.quietMs ?? 100;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
    this.rescanIntervalMs = options.rescanIntervalMs ?? 5000;
    this.onError = options.onError ?? (() => undefined);
    this.debouncer = new KeyedDebouncer(this.quietMs, this.maxWaitMs, (p) => {
      void this.settle(p);
    });
  }

  async start(onUpdate: (updates: SourceUpdate[]) => void): Promise<void> {
    for (const root of this.roots) {
      const st = await fs.stat(root.abs).catch(() => undefined);
      if (!st?.isDirectory()) throw new Error(`config directory ${root.given} does not exist`);
    }
    // List, watch what was listed, then list again: a file or directory created before its
    // directory's watcher existed is found by the second listing, anything later by a watcher.
    const files = new Set<string>();
    for (let pass = 0; pass < 2; pass++) {
      for (const root of this.roots) {
        const tree = await walkConfigTree(root.abs);
        tree.dirs.forEach((d) => this.watchDir(d));
        tree.files.forEach((f) => files.add(f));
      }
    }
    const initial: SourceUpdate[] = [];
    for (const file of files) {
      const read = await readStable(file);
      if (read.kind !== 'file') {
        this.debouncer.touch(file); // being written right now: it will arrive through the watcher
        continue;
      }
      initial.push(this.record(file, read.text, read.stamp));
    }
    this.onUpdate = onUpdate;
    this.deliver(initial);
    if (this.rescanIntervalMs > 0) {
      this.rescanTimer = setInterval(() => this.rescan(), this.rescanIntervalMs);
      this.rescanTimer.unref();
    }
    this.scheduleFlush(); // anything settled by the watcher while the initial load ran
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.debouncer.clear();
    clearInterval(this.rescanTimer);
    clearTimeout(this.rescanSoonTimer);
    clearTimeout(this.holdTimer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await this.rescanning;
  }

  // ---- watching ----

  private watchDir(dir: string): void {
    if (this.stopped || this.watchers.has(dir)) return;
    try {
      const w = watch(dir, (_event, name) => this.onEvent(dir, name));
      w.on('error', (err) => {
        // Typically the directory itself went away; its parent's watcher or the rescan cleans up.
        this.unwatch(dir);
        this.reportError(err);
        this.rescanSoon();
      });
      this.watchers.set(dir, w);
    } catch (e) {
      if (!isVanished(e)) this.reportError(e);
    }
  }

  private unwatch(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
  }

  private onEvent(dir: string, name: string | Buffer | null): void {
    if (this.stopped) return;
    if (name === null) {
      this.rescanSoon(); // the platform did not say which entry changed
      return;
    }
    const base = name.toString();
    // inotify reports a watched directory's own deletion under its own name.
    if (base === path.basename(dir)) this.rescanSoon();
    if (isIgnoredName(base)) {
      // Kubernetes ConfigMap volumes update by swapping the `..data` symlink; the visible files
      // (symlinks through it) produce no event of their own.
      if (base.startsWith('..')) this.rescanSoon();
      return;
    }
    this.changed(path.join(dir, base));
  }

  /** Something at `p` changed: (re)start its quiet window and give a parse error a fresh retry. */
  private changed(p: string): void {
    this.retried.delete(p);
    this.debouncer.touch(p);
  }

  // ---- settling one path ----

  private async settle(p: string): Promise<void> {
    if (this.stopped) return;
    if (this.busy.has(p)) {
      this.busy.set(p, true);
      return;
    }
    this.busy.set(p, false);
    this.inFlight++;
    try {
      await this.settleOnce(p);
    } catch (e) {
      this.reportError(e);
    } finally {
      this.inFlight--;
      const rerun = this.busy.get(p);
      this.busy.delete(p);
      if (rerun && !this.stopped) this.debouncer.touch(p);
      this.scheduleFlush();
    }
  }

  private async settleOnce(p: string): Promise<void> {
    const read = await readStable(p, { minAgeMs: this.quietMs });
    if (this.stopped) return;
    switch (read.kind) {
      case 'missing':
        this.forgetTree(p);
        this.forgetFile(p);
        return;
      case 'directory':
        this.forgetFile(p);
        await this.adoptDirectory(p);
        return;
      case 'changing':
        this.debouncer.touch(p);
        return;
      case 'other':
        return;
      case 'unreadable':
        this.reportUnreadable(p, read.message);
        return;
      case 'file':
        break;
    }
    this.forgetTree(p); // a directory replaced by a file
    if (!isConfigFileName(p) || !this.originOf(p)) return;
    const prev = this.known.get(p);
    const hash = hashOf(read.text);
    if (prev && prev.hash === hash) {
      prev.stamp = read.stamp; // touched or rewritten with the same bytes: nothing to deliver
      this.retried.delete(p);
      return;
    }
    const update = this.parse(p, read.text);
    const failed = update.parseErrors.some((e) => e.severity === 'Error');
    if (failed && !this.retried.has(p)) {
      this.retried.add(p); // maybe a writer paused mid-file: look once more after a quiet window
      this.debouncer.touch(p);
      return;
    }
    this.enqueue(this.record(p, read.text, read.stamp, update));
  }

  /** Delivers a read failure (e.g. EACCES) as the file's state, once per distinct failure. */
  private reportUnreadable(p: string, reason: string): void {
    const origin = this.originOf(p);
    if (!origin || !isConfigFileName(p)) return;
    const message = `cannot read file: ${reason}`;
    const hash = hashOf(`unreadable\0${message}`);
    if (this.known.get(p)?.hash === hash) return;
    // No usable stat: the rescan will look at it again, and find the same failure or a fix.
    this.known.set(p, { origin, stamp: { size: -1, mtimeMs: -1, ino: -1 }, hash });
    this.enqueue({
      origin,
      documents: [],
      parseErrors: [
        { code: PARSE_ERROR_CODE, severity: 'Error', source: { file: origin }, message },
      ],
    });
  }

  /** A new (or renamed-in) directory: watch it and everything below, and load its files. */
  private async adoptDirectory(dir: string): Promise<void> {
    if (!this.originOf(dir)) return;
    const tree = await walkConfigTree(dir);
    if (this.stopped) return;
    tree.dirs.forEach((d) => this.watchDir(d));
    tree.files.filter((f) => !this.known.has(f)).forEach((f) => this.changed(f));
  }

  /** `p` is no longer a directory: close its watchers and remove the files that were below it. */
  private forgetTree(p: string): void {
    const prefix = p + path.sep;
    for (const dir of [...this.watchers.keys()]) {
      if (dir === p || dir.startsWith(prefix)) this.unwatch(dir);
    }
    for (const file of [...this.known.keys()]) {
      if (file.startsWith(prefix)) this.forgetFile(file);
    }
  }

  private forgetFile(p: string): void {
    this.retried.delete(p);
    const prev = this.known.get(p);
    if (!prev) return;
    this.known.delete(p);
    this.enqueue({ origin: prev.origin, documents: [], parseErrors: [], removed: true });
  }

  private parse(p: string, text: string): SourceUpdate {
    const origin = this.originOf(p) ?? p;
    const { documents, errors } = parseConfigFile(origin, text);
    return { origin, documents, parseErrors: errors };
  }

  private record(p: string, text: string, stamp: FileStamp, parsed?: SourceUpdate): SourceUpdate {
    const update = parsed ?? this.parse(p, text);
    this.retried.delete(p);
    this.known.set(p, { origin: update.origin, stamp, hash: hashOf(text) });
    return update;
  }

  /** The directory as given joined with the path below it; undefined outside every root. */
  private originOf(p: string): string | undefined {
    for (const root of this.roots) {
      const rel = path.relative(root.abs, p);
      if (rel === '') return root.given;
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.join(root.given, rel);
    }
    return undefined;
  }

  // ---- delivery ----

  private enqueue(update: SourceUpdate): void {
    if (this.queue.length === 0) this.queuedAt = Date.now();
    this.queue.push(update);
    this.scheduleFlush();
  }

  /**
   * Delivers queued updates once no path is mid-settle or inside its quiet window, so a burst
   * (the two halves of a rename, the files of one save or copy) travels in one batch. A tree that
   * never goes quiet still delivers `maxWaitMs` after the oldest queued update.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || !this.onUpdate || this.queue.length === 0) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.stopped || this.inFlight > 0) return; // the last settle to finish flushes again
      const holdMs = this.queuedAt + this.maxWaitMs - Date.now();
      if (this.debouncer.size > 0 && holdMs > 0) {
        // The last quiet window to end flushes again (settle's finally); this bounds the wait.
        clearTimeout(this.holdTimer);
        this.holdTimer = setTimeout(() => this.scheduleFlush(), holdMs);
        this.holdTimer.unref();
        return;
      }
      clearTimeout(this.holdTimer);
      const batch = this.queue;
      this.queue = [];
      batch.sort((a, b) => Number(b.removed === true) - Number(a.removed === true));
      for (const update of batch) update.settled = true;
      this.deliver(batch);
    });
  }

  private deliver(batch: SourceUpdate[]): void {
    if (!this.onUpdate || this.stopped) return;
    if (this.delivering) {
      this.queue.push(...batch); // onUpdate re-entered us; keep order
      return;
    }
    this.delivering = true;
    try {
      this.onUpdate(batch);
    } catch (e) {
      this.reportError(e);
    } finally {
      this.delivering = false;
    }
  }

  // ---- fallback rescan ----

  private rescanSoon(): void {
    if (this.stopped || this.rescanSoonTimer) return;
    this.rescanSoonTimer = setTimeout(() => {
      this.rescanSoonTimer = undefined;
      this.rescan();
    }, this.quietMs);
    this.rescanSoonTimer.unref();
  }

  private rescan(): void {
    if (this.stopped || this.rescanning) return;
    this.rescanning = this.rescanOnce()
      .catch((e: unknown) => this.reportError(e))
      .finally(() => {
        this.rescanning = undefined;
      });
  }

  /** Compares the tree on disk with what was delivered and touches every path that differs. */
  private async rescanOnce(): Promise<void> {
    const dirs = new Set<string>();
    const files = new Set<string>();
    for (const root of this.roots) {
      const tree = await walkConfigTree(root.abs);
      tree.dirs.forEach((d) => dirs.add(d));
      tree.files.forEach((f) => files.add(f));
    }
    if (this.stopped) return;
    for (const dir of dirs) this.watchDir(dir);
    for (const dir of [...this.watchers.keys()]) if (!dirs.has(dir)) this.unwatch(dir);
    // Synchronous stats: a few µs each from the kernel's cache, where one awaited stat per file
    // costs tens of µs of main-thread work (a thread-pool round trip and a promise); with
    // thousands of files every few seconds that was a measurable share of an idle server's CPU.
    for (const file of files) {
      if (this.debouncer.has(file) || this.busy.has(file)) continue;
      const prev = this.known.get(file);
      const st = prev ? statSyncOrUndefined(file) : undefined;
      if (!prev || !st || !sameStamp(prev.stamp, stampOf(st))) this.changed(file);
    }
    for (const file of this.known.keys()) {
      if (!files.has(file) && !this.debouncer.has(file)) this.changed(file);
    }
  }

  private reportError(e: unknown): void {
    if (!this.stopped) this.onError(e instanceof Error ? e : new Error(String(e)));
  }
}

function statSyncOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
