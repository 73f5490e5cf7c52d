// View responses: one sorted resource list and version per (map, name set), shared by every
// stream cut from them, equal to computing them afresh, and recomputed after being forgotten.
import type { XdsResource } from '../resource.js';
import { viewOf } from '../resource-view.js';
import { responseVersion } from '../stream-common.js';
import { forgetViewResponses, viewResponse } from '../view-response.js';

const resource = (name: string, version: string): XdsResource => ({
  name,
  typeUrl: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  version,
  bytes: new Uint8Array(),
  anyBytes: new Uint8Array(),
});

describe('viewResponse', () => {
  const map = new Map(
    [resource('c', '3'), resource('a', '1'), resource('b', '2')].map((r) => [r.name, r]),
  );
  const subset = new Set(['c', 'a', 'z']);

  it('sorts the view by name and versions it as a fresh computation would', () => {
    const all = viewResponse(viewOf(map, undefined));
    expect(all.resources.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(all.version).toBe(responseVersion(all.resources));
    const some = viewResponse(viewOf(map, subset));
    expect(some.resources.map((r) => r.name)).toEqual(['a', 'c']);
    expect(some.version).not.toBe(all.version);
  });

  it('is computed once per map and name set, and again after being forgotten', () => {
    const first = viewResponse(viewOf(map, subset));
    expect(viewResponse(viewOf(map, subset))).toBe(first);
    expect(viewResponse(viewOf(map, new Set(subset)))).not.toBe(first);
    expect(viewResponse(viewOf(new Map(map), subset))).not.toBe(first);
    forgetViewResponses();
    const again = viewResponse(viewOf(map, subset));
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
