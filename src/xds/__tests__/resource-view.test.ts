// Views of a snapshot map restricted to a subscription, and moving them onto newer maps.
import { resourceFromBytes, type XdsResource } from '../resource.js';
import {
  namesIn,
  rebased,
  sameVersions,
  sizeOf,
  versionIn,
  versionsOf,
  viewOf,
  type TypeResources,
} from '../resource-view.js';
import { ENDPOINT_TYPE } from '../type-urls.js';

function cla(name: string, rev = 1): XdsResource {
  return resourceFromBytes(ENDPOINT_TYPE, name, new TextEncoder().encode(`${name}@${rev}`));
}

function mapOf(...resources: XdsResource[]): TypeResources {
  return new Map(resources.map((r) => [r.name, r]));
}

describe('resource views', () => {
  const all = mapOf(cla('a'), cla('b'), cla('c'));

  it('covers the whole map without names, else the named resources it holds', () => {
    expect([...namesIn(viewOf(all, undefined))].sort()).toEqual(['a', 'b', 'c']);
    const some = viewOf(all, new Set(['b', 'c', 'missing']));
    expect([...namesIn(some)].sort()).toEqual(['b', 'c']);
    expect(sizeOf(some)).toBe(2);
    expect(versionIn(some, 'a')).toBeUndefined();
    expect(versionIn(some, 'missing')).toBeUndefined();
    expect(versionIn(some, 'b')).toBe(cla('b').version);
    expect(versionsOf(some)).toEqual(
      new Map([
        ['b', cla('b').version],
        ['c', cla('c').version],
      ]),
    );
    // A subscription larger than the map is walked from the map's side, same result.
    const many = new Set(['a', ...Array.from({ length: 10 }, (_, i) => `n${i}`)]);
    expect([...namesIn(viewOf(all, many))]).toEqual(['a']);
    expect(sizeOf(viewOf(undefined, many))).toBe(0);
  });

  it('compares content, not identity', () => {
    const rebuilt = mapOf(cla('a'), cla('b'), cla('c'));
    expect(sameVersions(viewOf(all, undefined), viewOf(rebuilt, undefined))).toBe(true);
    expect(sameVersions(viewOf(all, new Set(['a'])), viewOf(rebuilt, new Set(['a', 'x'])))).toBe(
      true,
    );
    expect(sameVersions(viewOf(all, undefined), viewOf(rebuilt, new Set(['a'])))).toBe(false);
    const changed = mapOf(cla('a'), cla('b', 2), cla('c'));
    expect(sameVersions(viewOf(all, undefined), viewOf(changed, undefined))).toBe(false);
  });

  describe('rebased', () => {
    const next = mapOf(cla('a'), cla('b', 2), cla('c'), cla('d'));

    it('moves a view the change does not touch onto the new map', () => {
      const view = viewOf(all, new Set(['a', 'c']));
      const moved = rebased(view, all, next, new Set(['b', 'd']));
      expect(moved?.from).toBe(next);
      expect(moved?.names).toBe(view.names);
      expect(versionsOf(moved ?? view)).toEqual(versionsOf(view));
      // A new map with no change at all (a rebuilt snapshot).
      expect(
        rebased(viewOf(all, undefined), all, mapOf(cla('a'), cla('b'), cla('c')), undefined),
      ).toBeDefined();
    });

    it('leaves views that a change touches, or that were cut from another map', () => {
      expect(rebased(viewOf(all, new Set(['b'])), all, next, new Set(['b']))).toBeUndefined();
      expect(rebased(viewOf(all, undefined), all, next, new Set(['d']))).toBeUndefined();
      const older = mapOf(cla('a'));
      expect(rebased(viewOf(older, new Set(['a'])), all, next, new Set(['d']))).toBeUndefined();
      expect(rebased(viewOf(all, undefined), all, all, undefined)).toBeUndefined();
    });

    it('empties a view onto a removed type when none of its names were there', () => {
      const moved = rebased(viewOf(all, new Set(['x'])), all, undefined, new Set(['a', 'b', 'c']));
      expect(moved && sizeOf(moved)).toBe(0);
    });
  });
});
