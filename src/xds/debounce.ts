// Push debouncing: config events arriving in bursts (an editor saving several files, endpoint
// churn) are merged into one push, sent once the burst has been quiet for `quietMs`, and never
// later than `maxDelayMs` after its first event. Pushes never overlap: events arriving while a
// push runs are merged and pushed after it.
//
// A source that already held its changes until their burst was quiet (the file source) marks
// them settled: waiting another quiet window would only add latency. Settled events are pushed
// as soon as no push runs, unless unsettled events pending with them still need their window.

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface DebounceOptions<T> {
  /** Merges a newer event into the pending one. */
  merge: (pending: T, next: T) => T;
  /** Receives each merged event; a returned promise holds back the next push until it settles. */
  onPush: (event: T) => void | Promise<void>;
  /** Called when onPush throws or rejects; the debouncer keeps going. */
  onError?: (err: unknown) => void;
  quietMs?: number;
  maxDelayMs?: number;
  timers?: Timers;
}

export class Debouncer<T> {
  private readonly quietMs: number;
  private readonly maxDelayMs: number;
  private readonly timers: Timers;
  private pendingEvent: { value: T } | undefined;
  private firstAt = 0;
  /** Time of the latest unsettled pending event; undefined when every pending event is settled. */
  private lastUnsettledAt: number | undefined;
  private timer: unknown;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: DebounceOptions<T>) {
    this.quietMs = options.quietMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
    this.timers = options.timers ?? realTimers;
  }

  get hasPending(): boolean {
    return this.pendingEvent !== undefined;
  }

  /** Adds an event; `settled` when its source already waited for its burst to go quiet. */
  push(event: T, settled = false): void {
    if (this.stopped) return;
    const now = this.timers.now();
    if (this.pendingEvent) {
      this.pendingEvent = { value: this.options.merge(this.pendingEvent.value, event) };
    } else {
      this.pendingEvent = { value: event };
      this.firstAt = now;
    }
    if (!settled) this.lastUnsettledAt = now;
    this.schedule();
  }

  /** Pushes whatever is pending now (e.g. on shutdown) and resolves once every push finished. */
  async flush(): Promise<void> {
    this.cancelTimer();
    while (this.running || this.pendingEvent) {
      if (this.running) await this.running;
      else this.fire();
    }
  }

  /** Drops pending events and ignores later ones. */
  stop(): void {
    this.stopped = true;
    this.pendingEvent = undefined;
    this.lastUnsettledAt = undefined;
    this.cancelTimer();
  }

  private dueAt(): number {
    if (this.lastUnsettledAt === undefined) return this.firstAt;
    return Math.min(this.lastUnsettledAt + this.quietMs, this.firstAt + this.maxDelayMs);
  }

  private schedule(): void {
    this.cancelTimer();
    if (!this.pendingEvent || this.running) return;
    const delay = Math.max(0, this.dueAt() - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.pendingEvent && this.timers.now() >= this.dueAt()) this.fire();
      else this.schedule();
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    const event = this.pendingEvent;
    if (!event || this.running) return;
    this.cancelTimer();
    this.pendingEvent = undefined;
    this.lastUnsettledAt = undefined;
    const done = (async () => {
      try {
        await this.options.onPush(event.value);
      } catch (err) {
        this.options.onError?.(err);
      }
    })();
    this.running = done.then(() => {
      this.running = undefined;
      // Events that arrived during the push already waited; their quiet window restarts now.
      if (this.pendingEvent && !this.stopped) this.schedule();
    });
  }
}
