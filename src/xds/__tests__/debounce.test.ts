// Push debouncing: quiet window, maximum delay, merging and non-overlapping pushes.
import { Debouncer, type Timers } from '../debounce.js';

/** A manual clock: timers fire only when the test advances time. */
class FakeTimers implements Timers {
  private t = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, v]) => v.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

const union = (a: Set<string>, b: Set<string>) => new Set([...a, ...b]);

describe('Debouncer', () => {
  it('merges a burst and pushes once after the quiet window', () => {
    const timers = new FakeTimers();
    const pushed: Set<string>[] = [];
    const d = new Debouncer<Set<string>>({
      merge: union,
      onPush: (e) => void pushed.push(e),
      timers,
    });
    d.push(new Set(['a']));
    timers.advance(50);
    d.push(new Set(['b']));
    timers.advance(99);
    expect(pushed).toHaveLength(0);
    timers.advance(1);
    expect(pushed.map((s) => [...s].sort())).toEqual([['a', 'b']]);
    expect(d.hasPending).toBe(false);
  });

  it('never delays past maxDelay under a continuous stream of events', () => {
    const timers = new FakeTimers();
    const pushedAt: number[] = [];
    const d = new Debouncer<number>({
      merge: (a, b) => a + b,
      onPush: () => void pushedAt.push(timers.now()),
      quietMs: 100,
      maxDelayMs: 1000,
      timers,
    });
    for (let i = 0; i < 25; i++) {
      d.push(1);
      timers.advance(60);
    }
    expect(pushedAt[0]).toBe(1000);
  });

  it('does not overlap pushes: events during a slow push are merged and pushed after it', async () => {
    const timers = new FakeTimers();
    const pushed: number[] = [];
    let release: () => void = () => undefined;
    const d = new Debouncer<number>({
      merge: (a, b) => a + b,
      onPush: (e) => {
        pushed.push(e);
        return new Promise<void>((r) => (release = r));
      },
      timers,
    });
    d.push(1);
    timers.advance(100);
    expect(pushed).toEqual([1]);
    d.push(2);
    d.push(3);
    timers.advance(500);
    expect(pushed).toEqual([1]);
    release();
    await new Promise((r) => setImmediate(r));
    timers.advance(100);
    expect(pushed).toEqual([1, 5]);
  });

  it('flush() pushes pending events at once and waits for them; stop() drops them', async () => {
    const timers = new FakeTimers();
    const pushed: number[] = [];
    const d = new Debouncer<number>({
      merge: (a, b) => a + b,
      onPush: async (e) => {
        pushed.push(e);
      },
      timers,
    });
    d.push(4);
    d.push(6);
    await d.flush();
    expect(pushed).toEqual([10]);
    d.push(1);
    d.stop();
    timers.advance(2000);
    d.push(2);
    expect(pushed).toEqual([10]);
  });

  it('reports push errors and keeps going', async () => {
    const timers = new FakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const d = new Debouncer<number>({
      merge: (a, b) => a + b,
      onPush: () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
      onError: (e) => errors.push(e),
      timers,
    });
    d.push(1);
    await d.flush();
    d.push(2);
    await d.flush();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });

  describe('settled events (their source already waited for the burst to go quiet)', () => {
    const setup = () => {
      const timers = new FakeTimers();
      const pushed: { at: number; value: number }[] = [];
      let release: (() => void) | undefined;
      let slow = false;
      const d = new Debouncer<number>({
        merge: (a, b) => a + b,
        onPush: (value) => {
          pushed.push({ at: timers.now(), value });
          if (!slow) return;
          return new Promise<void>((r) => (release = r));
        },
        quietMs: 100,
        maxDelayMs: 1000,
        timers,
      });
      return {
        timers,
        pushed,
        d,
        slowPushes: () => (slow = true),
        release: () => release?.(),
      };
    };

    it('are pushed at once, with no quiet window of their own', () => {
      const { timers, pushed, d } = setup();
      timers.advance(40);
      d.push(1, true);
      timers.advance(0);
      expect(pushed).toEqual([{ at: 40, value: 1 }]);
    });

    it('wait for the quiet window of unsettled events pending with them', () => {
      const { timers, pushed, d } = setup();
      d.push(1);
      timers.advance(30);
      d.push(2, true);
      timers.advance(69);
      expect(pushed).toEqual([]);
      timers.advance(1);
      expect(pushed).toEqual([{ at: 100, value: 3 }]);
    });

    it('an unsettled event arriving after a settled one restarts the wait', async () => {
      const { timers, pushed, d } = setup();
      d.push(1, true);
      d.push(2);
      timers.advance(99);
      expect(pushed).toEqual([]);
      timers.advance(1);
      expect(pushed).toEqual([{ at: 100, value: 3 }]);
      await new Promise((r) => setImmediate(r)); // the push settles
      // The next burst starts settled again: no window left over from the last one.
      d.push(4, true);
      timers.advance(0);
      expect(pushed).toHaveLength(2);
      expect(pushed[1]).toEqual({ at: 100, value: 4 });
    });

    it('arriving during a push are pushed right after it, merged', async () => {
      const { timers, pushed, d, slowPushes, release } = setup();
      slowPushes();
      d.push(1, true);
      timers.advance(0);
      d.push(2, true);
      d.push(3, true);
      timers.advance(500);
      expect(pushed.map((p) => p.value)).toEqual([1]);
      release();
      await new Promise((r) => setImmediate(r));
      timers.advance(0);
      expect(pushed.map((p) => p.value)).toEqual([1, 5]);
    });
  });
});
