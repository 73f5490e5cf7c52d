// Per-key debounce: a key fires once it has been quiet for `quietMs`, but no later than `maxWaitMs`
// after the first touch of the burst, so a file rewritten continuously is still looked at.
// Timers are unref'd: pending work alone never keeps the process alive.

interface Pending {
  timer: NodeJS.Timeout;
  firstAt: number;
}

export class KeyedDebouncer<K> {
  private readonly pending = new Map<K, Pending>();

  constructor(
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
    private readonly fire: (key: K) => void,
  ) {}

  /** Starts or extends the quiet window of `key`. */
  touch(key: K): void {
    const now = Date.now();
    const prev = this.pending.get(key);
    if (prev) clearTimeout(prev.timer);
    const firstAt = prev?.firstAt ?? now;
    const delay = Math.max(0, Math.min(this.quietMs, firstAt + this.maxWaitMs - now));
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.fire(key);
    }, delay);
    timer.unref();
    this.pending.set(key, { timer, firstAt });
  }

  /** Keys still inside their quiet window. */
  get size(): number {
    return this.pending.size;
  }

  has(key: K): boolean {
    return this.pending.has(key);
  }

  clear(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
