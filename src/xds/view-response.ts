// The sorted resources and the response version of a resource view, computed once per view and
// shared by every stream cut from the same map with the same subscription: the proxies of a scope
// are served one map per type (the server interns them) and name sets are interned too, so a
// storm of similar proxies sorts and hashes each distinct view once instead of once per stream.
// The entries only pay while many streams respond; the server forgets them when it goes quiet.
//
// A view sent whole to a second stream also keeps its encoded DiscoveryResponse, nonce included,
// for the first response of its type on every later stream (sharedFullResponse): the storms,
// where thousands of streams start with the same few hundred views. A nonce only has to be
// unique among one stream's responses of one type; one taken once from the server's counter is,
// on a stream that has had no response of that type yet. The first stream encodes its own: most
// views of per-proxy maps (a sidecar's listeners) are sent once, and holding their encodings
// would only cost memory.
import type { XdsResource } from './resource.js';
import { namesIn, type ResourceView, type TypeResources } from './resource-view.js';
import { responseVersion } from './stream-common.js';

export interface ViewResponse {
  /** The view's resources sorted by name; shared, never to be mutated. */
  readonly resources: readonly XdsResource[];
  readonly version: string;
}

/** A whole response, encoded once, with the nonce it carries. */
export interface SharedResponse {
  readonly bytes: Uint8Array;
  readonly nonce: string;
}

interface Entry extends ViewResponse {
  /** Whole responses encoded so far (counted until the shared one exists). */
  encodings: number;
  shared?: SharedResponse & { readonly owner: object };
}

let cache = new WeakMap<TypeResources, Map<ReadonlySet<string> | undefined, Entry>>();

export function viewResponse(view: ResourceView): ViewResponse {
  let byNames = cache.get(view.from);
  if (byNames === undefined) {
    byNames = new Map();
    cache.set(view.from, byNames);
  }
  let response = byNames.get(view.names);
  if (response === undefined) {
    const resources = [...namesIn(view)].sort().map((n) => view.from.get(n) as XdsResource);
    response = { resources, version: responseVersion(resources), encodings: 0 };
    byNames.set(view.names, response);
  }
  return response;
}

/**
 * The whole response for `response` (a viewResponse result), encoded by `encode` with a nonce
 * from `nextNonce`: the shared encoding when one exists and the stream has had no response of
 * this type (`lastNonce` undefined), else a fresh one, which becomes the shared one when it is
 * the view's second. `owner` names the nonce counter (one per server): an encoding is shared only
 * within it.
 */
export function sharedFullResponse(
  response: ViewResponse,
  owner: object,
  lastNonce: string | undefined,
  nextNonce: () => string,
  encode: (nonce: string) => Uint8Array,
): SharedResponse {
  const entry = response as Entry;
  const shared = entry.shared;
  if (shared !== undefined && shared.owner === owner && lastNonce === undefined) return shared;
  const nonce = nextNonce();
  const own = { bytes: encode(nonce), nonce };
  if (shared === undefined && ++entry.encodings >= 2) entry.shared = { ...own, owner };
  return own;
}

/** Drops every computed view response (they are recomputed on demand). */
export function forgetViewResponses(): void {
  cache = new WeakMap();
}
