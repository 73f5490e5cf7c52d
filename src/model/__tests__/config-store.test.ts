// ConfigStore: validation on update, last-valid-version fallback, cross-origin duplicates, snapshots.
import { ConfigStore, isEndpointOnly } from '../config-store.js';
import type { RawObject } from '../config.js';
import type { SourceUpdate } from '../../sources/types.js';

const dr = (name: string, subsets: string[]): RawObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name },
  spec: { host: name, subsets: subsets.map((s) => ({ name: s, labels: { version: s } })) },
});
const update = (origin: string, ...objects: RawObject[]): SourceUpdate => ({
  origin,
  documents: objects.map((object, docIndex) => ({ object, source: { file: origin, docIndex } })),
  parseErrors: [],
});

describe('ConfigStore', () => {
  it('validates, versions and snapshots resources sorted by namespace/name', () => {
    const store = new ConfigStore();
    const change = store.apply([update('a.yaml', dr('reviews', ['v1']), dr('details', ['v1']))]);
    expect(change).toEqual({
      version: 1,
      changedKeys: ['DestinationRule/default/details', 'DestinationRule/default/reviews'],
      changedKinds: ['DestinationRule'],
    });
    expect(store.snapshot().destinationRules.map((r) => r.metadata.name)).toEqual([
      'details',
      'reviews',
    ]);
    expect(Object.isFrozen(store.snapshot().destinationRules)).toBe(true);
    expect(
      store.apply([update('a.yaml', dr('reviews', ['v1']), dr('details', ['v1']))]).version,
    ).toBe(1);
  });

  it('keeps the last valid version when an update makes a resource invalid, and reports it', () => {
    const store = new ConfigStore();
    store.apply([update('a.yaml', dr('reviews', ['v1', 'v2']))]);
    const change = store.apply([update('a.yaml', dr('reviews', ['v1', 'v1']))]);
    expect(change.changedKeys).toEqual([]);
    expect(store.snapshot().destinationRules[0].spec).toMatchObject({
      subsets: [{ name: 'v1' }, { name: 'v2' }],
    });
    expect(store.errors()).toEqual([
      expect.objectContaining({
        code: 'IST0106',
        field: 'spec.subsets[1].name',
        source: { file: 'a.yaml', docIndex: 0 },
      }),
    ]);
    store.apply([update('a.yaml', dr('reviews', ['v3']))]);
    expect(store.errors()).toEqual([]);
    expect(store.get('DestinationRule', 'default', 'reviews')?.spec).toMatchObject({
      subsets: [{ name: 'v3' }],
    });
  });

  it('reports duplicates from a second origin and keeps the first', () => {
    const store = new ConfigStore();
    store.apply([update('a.yaml', dr('reviews', ['v1']))]);
    store.apply([update('b.yaml', dr('reviews', ['v2']))]);
    expect(store.get('DestinationRule', 'default', 'reviews')?.source.file).toBe('a.yaml');
    expect(store.errors()[0]).toMatchObject({
      source: { file: 'b.yaml' },
      message: expect.stringContaining('duplicate'),
    });
  });

  it('removes the resources of a removed origin', () => {
    const store = new ConfigStore();
    store.apply([update('a.yaml', dr('reviews', ['v1']))]);
    const change = store.apply([
      { origin: 'a.yaml', documents: [], parseErrors: [], removed: true },
    ]);
    expect(change.changedKeys).toEqual(['DestinationRule/default/reviews']);
    expect(store.snapshot().destinationRules).toEqual([]);
  });

  it('classifies endpoint-only changes', () => {
    const store = new ConfigStore();
    const ep: RawObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'reviews' },
      subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 9080 }] }],
    };
    expect(isEndpointOnly(store.apply([update('ep.yaml', ep)]))).toBe(true);
    expect(isEndpointOnly(store.apply([update('a.yaml', dr('reviews', ['v1']))]))).toBe(false);
  });
});
