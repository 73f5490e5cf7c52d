// Per-file debouncing: quiet window and maximum wait.
import { jest } from '@jest/globals';
import { KeyedDebouncer } from '../keyed-debouncer.js';

describe('KeyedDebouncer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fires once per key after the quiet window, restarted by every touch', () => {
    const fired: string[] = [];
    const d = new KeyedDebouncer<string>(100, 1000, (k) => fired.push(k));
    d.touch('a');
    jest.advanceTimersByTime(60);
    d.touch('a');
    d.touch('b');
    jest.advanceTimersByTime(60);
    expect(fired).toEqual([]); // a was touched 60 ms ago
    expect(d.has('a')).toBe(true);
    jest.advanceTimersByTime(40);
    expect(fired).toEqual(['a', 'b']);
    expect(d.has('a')).toBe(false);
  });

  it('fires no later than the max wait while touches keep coming', () => {
    const fired: number[] = [];
    const d = new KeyedDebouncer<string>(100, 1000, () => fired.push(Date.now()));
    const start = Date.now();
    for (let t = 0; t < 1500; t += 50) {
      d.touch('hot');
      jest.advanceTimersByTime(50);
    }
    expect(fired.length).toBeGreaterThanOrEqual(1);
    expect(fired[0] - start).toBeLessThanOrEqual(1000);
  });

  it('clear() cancels everything pending', () => {
    const fired: string[] = [];
    const d = new KeyedDebouncer<string>(100, 1000, (k) => fired.push(k));
    d.touch('a');
    d.clear();
    jest.advanceTimersByTime(500);
    expect(fired).toEqual([]);
  });
});
