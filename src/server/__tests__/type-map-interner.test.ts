// Sharing equal per-type maps: only maps holding the identical resource objects under the same
// names are shared, whatever their insertion order; fingerprint collisions are told apart.
import type { XdsResource } from '../../xds/resource.js';
import { TypeMapInterner } from '../type-map-interner.js';

const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const EDS = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';

const resource = (name: string, version = 'v1'): XdsResource => ({
  name,
  typeUrl: CDS,
  version,
  bytes: new Uint8Array(),
  anyBytes: new Uint8Array(),
});

const mapOf = (...rs: XdsResource[]): Map<string, XdsResource> =>
  new Map(rs.map((r) => [r.name, r]));

describe('TypeMapInterner', () => {
  const [a, b, c] = [resource('a'), resource('b'), resource('c')];

  it('shares maps with the same names and resource objects, in any order', () => {
    const interner = new TypeMapInterner();
    const first = mapOf(a, b);
    expect(interner.intern(CDS, first)).toBe(first);
    expect(interner.intern(CDS, mapOf(b, a))).toBe(first);
    expect([interner.distinct, interner.shared]).toEqual([1, 1]);
  });

  it('keeps maps apart that differ in a resource object, a name, a size or the type', () => {
    const interner = new TypeMapInterner();
    const first = mapOf(a, b);
    interner.intern(CDS, first);
    const equalContentOtherObject = mapOf(a, resource('b'));
    const extra = mapOf(a, b, c);
    const missing = mapOf(a);
    const renamed = new Map([
      ['a', a],
      ['x', b],
    ]);
    for (const m of [equalContentOtherObject, extra, missing, renamed]) {
      expect(interner.intern(CDS, m)).toBe(m);
    }
    const otherType = mapOf(a, b);
    expect(interner.intern(EDS, otherType)).toBe(otherType);
  });

  it('tells apart maps whose fingerprints collide', () => {
    const interner = new TypeMapInterner();
    // Same resources under swapped names: same size, same serial sum and mix.
    const first = mapOf(a, b);
    const swapped = new Map([
      ['a', b],
      ['b', a],
    ]);
    interner.intern(CDS, first);
    expect(interner.intern(CDS, swapped)).toBe(swapped);
    expect(interner.intern(CDS, mapOf(a, b))).toBe(first);
    expect(
      interner.intern(
        CDS,
        new Map([
          ['a', b],
          ['b', a],
        ]),
      ),
    ).toBe(swapped);
  });

  it('keeps a map interned by an earlier generation as it is, without counting it', () => {
    const earlier = new TypeMapInterner();
    const kept = mapOf(a, b);
    earlier.intern(CDS, kept);
    const current = new TypeMapInterner();
    expect(current.intern(CDS, kept)).toBe(kept);
    expect([current.distinct, current.shared]).toEqual([0, 0]);
  });

  it('interns a snapshot type by type, returning it unchanged when nothing is replaced', () => {
    const interner = new TypeMapInterner();
    const one = new Map([[CDS, mapOf(a, b)]]);
    expect(interner.internSnapshot(one)).toBe(one);
    const two = new Map([
      [CDS, mapOf(a, b)],
      [EDS, mapOf(c)],
    ]);
    const shared = interner.internSnapshot(two);
    expect(shared).not.toBe(two);
    expect(shared.get(CDS)).toBe(one.get(CDS));
    expect(shared.get(EDS)).toBe(two.get(EDS));
  });
});
