// Interning rewrites string values in place without changing any value, and is safe on shapes
// parsed config can have (frozen data, aliases that make it cyclic, deep nesting).
import { internStrings } from '../intern-strings.js';

describe('internStrings', () => {
  it('leaves every value equal and records each short string once', () => {
    const doc = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'reviews-v1', labels: { app: 'reviews', version: 'v1' } },
      spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 9080 }] }] },
      list: ['v1', 'http', 1, true, null, ['v1']],
      long: 'x'.repeat(200),
    };
    const before = structuredClone(doc);
    const table = new Map<string, string>();
    internStrings(doc, table);
    expect(doc).toEqual(before);
    expect([...table.keys()].sort()).toEqual(
      ['Pod', 'app', 'http', 'reviews', 'reviews-v1', 'v1'].sort(),
    );
  });

  it('skips frozen data, stops on cycles and very deep nesting', () => {
    const frozen = Object.freeze({ a: 'v1', inner: Object.freeze(['v1']) });
    const table = new Map<string, string>();
    expect(() => internStrings({ frozen }, table)).not.toThrow();
    expect(table.size).toBe(0);

    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    internStrings(cyclic, table);
    expect(table.get('loop')).toBe('loop');

    let deep: Record<string, unknown> = { leaf: 'bottom' };
    for (let i = 0; i < 200; i++) deep = { next: deep };
    internStrings(deep, table);
    expect(table.has('bottom')).toBe(false);
  });
});
