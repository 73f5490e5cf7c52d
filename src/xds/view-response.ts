// The sorted resources and the response version of a resource view, computed once per view and
// shared by every stream cut from the same map with the same subscription: the proxies of a scope
// are served one map per type (the server interns them) and name sets are interned too, so a
// storm of similar proxies sorts and hashes each distinct view once instead of once per stream.
// The entries only pay while many streams respond; the server forgets them when it goes quiet.
import type { XdsResource } from './resource.js';
import { namesIn, type ResourceView, type TypeResources } from './resource-view.js';
import { responseVersion } from './stream-common.js';

export interface ViewResponse {
  /** The view's resources sorted by name; shared, never to be mutated. */
  readonly resources: readonly XdsResource[];
  readonly version: string;
}

let cache = new WeakMap<TypeResources, Map<ReadonlySet<string> | undefined, ViewResponse>>();

export function viewResponse(view: ResourceView): ViewResponse {
  let byNames = cache.get(view.from);
  if (byNames === undefined) {
    byNames = new Map();
    cache.set(view.from, byNames);
  }
  let response = byNames.get(view.names);
  if (response === undefined) {
    const resources = [...namesIn(view)].sort().map((n) => view.from.get(n) as XdsResource);
    response = { resources, version: responseVersion(resources) };
    byNames.set(view.names, response);
  }
  return response;
}

/** Drops every computed view response (they are recomputed on demand). */
export function forgetViewResponses(): void {
  cache = new WeakMap();
}
