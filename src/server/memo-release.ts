// When the current push's memoized message objects (translate/cache) are dropped. They make a
// push or a connect storm cheap while it runs, but between pushes they only hold memory: the
// proxies keep their encoded snapshots. Dropping them never changes content; a later push or
// connection rebuilds (and re-memoizes) what it needs, equal to what was dropped.
export class MemoReleaseTimer {
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param quietMs time without push or new proxy before releasing; 0 or less: never release
   * @param busy whether a push is running (a release then waits for another quiet period)
   * @param release drops the memo of the push context current at that time
   */
  constructor(
    private readonly quietMs: number,
    private readonly busy: () => boolean,
    private readonly release: () => void,
  ) {}

  /** (Re)arms the timer: call after every push and every new connection. */
  schedule(): void {
    if (this.quietMs <= 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.busy()) this.schedule();
      else this.release();
    }, this.quietMs);
    // Never keeps the process alive on its own.
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
