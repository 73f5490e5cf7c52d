// The memo release timer: releases once a quiet period passes, waits for a running push, can be
// turned off, and is cancelled on stop.
import { jest } from '@jest/globals';
import { MemoReleaseTimer } from '../memo-release.js';

describe('MemoReleaseTimer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('releases after a quiet period, each schedule re-arming it', () => {
    const release = jest.fn();
    const timer = new MemoReleaseTimer(100, () => false, release);
    timer.schedule();
    jest.advanceTimersByTime(60);
    timer.schedule();
    jest.advanceTimersByTime(60);
    expect(release).not.toHaveBeenCalled();
    jest.advanceTimersByTime(40);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('waits for another quiet period while a push runs', () => {
    const release = jest.fn();
    let busy = true;
    const timer = new MemoReleaseTimer(100, () => busy, release);
    timer.schedule();
    jest.advanceTimersByTime(250);
    expect(release).not.toHaveBeenCalled();
    busy = false;
    jest.advanceTimersByTime(100);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('never releases with a quiet time of 0, nor after stop', () => {
    const release = jest.fn();
    new MemoReleaseTimer(0, () => false, release).schedule();
    const stopped = new MemoReleaseTimer(100, () => false, release);
    stopped.schedule();
    stopped.stop();
    jest.advanceTimersByTime(1000);
    expect(release).not.toHaveBeenCalled();
  });
});
