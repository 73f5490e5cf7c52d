// Interned subscription name sets: equal content gives one shared set and one sorted list.
import { internedNameSetCount, internNameSet, sortedNames } from '../name-sets.js';

describe('internNameSet', () => {
  it('returns one shared set for equal names, whatever their order and duplicates', () => {
    const a = internNameSet(['outbound|80||b', 'outbound|80||a']);
    const b = internNameSet(new Set(['outbound|80||a', 'outbound|80||b']));
    const c = internNameSet(['outbound|80||a', 'outbound|80||b', 'outbound|80||a']);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect([...a].sort()).toEqual(['outbound|80||a', 'outbound|80||b']);
  });

  it('keeps different subscriptions apart', () => {
    const a = internNameSet(['x', 'y']);
    const b = internNameSet(['x', 'y', 'z']);
    const c = internNameSet(['x']);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(b.has('z')).toBe(true);
    expect(a.has('z')).toBe(false);
  });

  it('returns an interned set itself, and shares the empty set', () => {
    const a = internNameSet(['p', 'q']);
    expect(internNameSet(a)).toBe(a);
    expect(internNameSet([])).toBe(internNameSet(new Set()));
    expect(internNameSet([]).size).toBe(0);
  });

  it('gives interned sets a shared, frozen sorted list (the order of a plain sort)', () => {
    const names = ['b', 'B', 'a', 'outbound|9080||reviews', 'outbound|80||reviews', 'é'];
    const set = internNameSet(names);
    const sorted = sortedNames(set);
    expect(sorted).toEqual([...names].sort());
    expect(sortedNames(set)).toBe(sorted);
    expect(Object.isFrozen(sorted)).toBe(true);
    // Any other iterable is sorted afresh.
    expect(sortedNames(['z', 'a'])).toEqual(['a', 'z']);
  });

  it('registers each distinct content once', () => {
    const before = internedNameSetCount();
    const first = internNameSet(['only-once-1', 'only-once-2']);
    const again = internNameSet(['only-once-2', 'only-once-1']);
    expect(again).toBe(first);
    expect(internedNameSetCount()).toBe(before + 1);
  });
});
