// When the current push's memoized message objects (translate/cache) are dropped. They make a
// push or a connect storm cheap while it runs, but between pushes they only hold memory: the
// proxies keep their encoded snapshots. Dropping them never changes content; a later push or
// connection rebuilds (and re-memoizes) what it needs, equal to what was dropped.
//
// The same quiet moment is when the heap left behind by the storm can be compacted (idle-gc.ts):
// right after the release, so the dropped memo is collected too, and never while a push runs;
// if the event loop is still busy sending (the end of a storm), the idle watch collects once it
// is quiet instead.
import { sharedIdleGc, type IdleGc } from './idle-gc.js';

export class MemoReleaseTimer {
  private timer: NodeJS.Timeout | undefined;
  private readonly idleGc: IdleGc | undefined;
  private stopWatch: (() => void) | undefined;

  /**
   * @param quietMs time without push or new proxy before releasing; 0 or less: never release
   * @param busy whether a push is running (a release then waits for another quiet period)
   * @param release drops the memo of the push context current at that time
   * @param collect true: the process's idle collection (sharedIdleGc) runs after each release
   *   and watches for quiet between releases (from the first schedule until stop); an IdleGc:
   *   that one; false: none
   */
  constructor(
    private readonly quietMs: number,
    private readonly busy: () => boolean,
    private readonly release: () => void,
    collect: boolean | IdleGc = false,
  ) {
    this.idleGc = collect === true ? sharedIdleGc() : collect || undefined;
  }

  /** (Re)arms the timer: call after every push and every new connection. */
  schedule(): void {
    // The watch starts with the first push or connection, not at construction, and ends with stop.
    // A pending release comes first, so the memo it drops is part of the same collection.
    this.stopWatch ??= this.idleGc?.watch({ busy: () => this.busy() || this.timer !== undefined });
    if (this.quietMs <= 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.busy()) {
        this.schedule();
        return;
      }
      this.release();
      this.idleGc?.runIfQuiet();
    }, this.quietMs);
    // Never keeps the process alive on its own.
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopWatch?.();
  }
}
