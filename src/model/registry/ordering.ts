// Istio's "oldest first" order for config: creationTimestamp ascending (missing = oldest,
// as Go's zero time), then name, then namespace (pilot/pkg/model/config.go).
import type { ConfigResource } from '../config.js';

export function creationMillis(ts: string | undefined): number {
  if (!ts) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Dated {
  creationTimestamp?: string;
  name: string;
  namespace: string;
}

export function compareByCreation(a: Dated, b: Dated): number {
  const ta = creationMillis(a.creationTimestamp);
  const tb = creationMillis(b.creationTimestamp);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return cmpStr(a.name, b.name) || cmpStr(a.namespace, b.namespace);
}

export function compareResourcesByCreation(a: ConfigResource, b: ConfigResource): number {
  return compareByCreation(a.metadata, b.metadata);
}

/** A copy sorted oldest first. */
export function sortedByCreation<T extends ConfigResource>(items: readonly T[]): T[] {
  return [...items].sort(compareResourcesByCreation);
}
