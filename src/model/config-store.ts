// The one place where validated config lives. Sources hand it SourceUpdates (each replaces all
// documents of one origin); the store validates them, keeps the last valid version of a resource
// when an update breaks it, rejects duplicates across origins, and hands out immutable snapshots.
import { keyOf, configKey, type ConfigKey, type ConfigResource } from './config.js';
import type { ConfigSnapshot } from './push-context.js';
import type { RawDocument, SourceUpdate } from '../sources/types.js';
import { internStrings } from './intern-strings.js';
import type { ConfigError } from './validation/types.js';
import { validateResource } from './validation/validate-resource.js';

export interface StoreChange {
  /** The store version after the change (unchanged when nothing changed). */
  version: number;
  /** `Kind/ns/name` of every resource added, changed or removed. */
  changedKeys: ConfigKey[];
  changedKinds: string[];
}

/** Kinds whose changes only move endpoints: the server can push EDS alone for them. */
const ENDPOINT_KINDS = new Set(['Endpoints', 'EndpointSlice']);

export function isEndpointOnly(change: StoreChange): boolean {
  return change.changedKinds.length > 0 && change.changedKinds.every((k) => ENDPOINT_KINDS.has(k));
}

interface OriginState {
  /** Keys this origin currently defines (valid, invalid-kept or duplicate). */
  keys: Set<ConfigKey>;
  errors: ConfigError[];
}

export class ConfigStore {
  private readonly origins = new Map<string, OriginState>();
  /** The resource in force per key, and which origin owns it. */
  private readonly inForce = new Map<ConfigKey, { resource: ConfigResource; origin: string }>();
  private version = 0;
  private cached: ConfigSnapshot | undefined;

  apply(updates: SourceUpdate[]): StoreChange {
    const changed = new Set<ConfigKey>();
    // The documents become the store's (sources keep no reference): their repeated string
    // values are shared across the batch, which is the whole config on a source's first load.
    const strings = new Map<string, string>();
    for (const u of updates) this.applyOne(u, changed, strings);
    if (changed.size > 0) {
      this.version++;
      this.cached = undefined;
    }
    const changedKeys = [...changed].sort();
    const changedKinds = [...new Set(changedKeys.map((k) => k.split('/')[0]))].sort();
    return { version: this.version, changedKeys, changedKinds };
  }

  currentVersion(): number {
    return this.version;
  }

  /** Current problems of every origin, in origin order. */
  errors(): ConfigError[] {
    return [...this.origins.keys()].sort().flatMap((o) => this.origins.get(o)?.errors ?? []);
  }

  get(kind: string, namespace: string, name: string): ConfigResource | undefined {
    return this.inForce.get(configKey(kind, namespace, name))?.resource;
  }

  snapshot(): ConfigSnapshot {
    this.cached ??= this.buildSnapshot();
    return this.cached;
  }

  private applyOne(u: SourceUpdate, changed: Set<ConfigKey>, strings: Map<string, string>): void {
    const previous = this.origins.get(u.origin);
    const errors: ConfigError[] = [...u.parseErrors];
    const seenHere = new Set<ConfigKey>();
    const keys = new Set<ConfigKey>();
    for (const doc of u.removed ? [] : u.documents) {
      internStrings(doc.object, strings);
      const result = validateResource(doc.object, doc.source);
      errors.push(...result.warnings.filter((w) => w.code !== 'UnsupportedKind'));
      if (!result.ok) {
        errors.push(...result.errors);
        // The last valid version from this origin stays in force (and so its key stays owned).
        const rawKey = keyOfRaw(doc);
        if (rawKey && this.inForce.get(rawKey)?.origin === u.origin) keys.add(rawKey);
        continue;
      }
      const key = keyOf(result.value);
      if (seenHere.has(key)) {
        errors.push(
          duplicate(result.value, `${key} is defined twice in ${u.origin}; the first one is used`),
        );
        continue;
      }
      seenHere.add(key);
      const owner = this.inForce.get(key);
      if (owner && owner.origin !== u.origin) {
        errors.push(
          duplicate(
            result.value,
            `duplicate ${key}: already defined in ${owner.resource.source.file}; this one is ignored`,
          ),
        );
        continue;
      }
      keys.add(key);
      if (!owner || !sameContent(owner.resource, result.value)) changed.add(key);
      this.inForce.set(key, { resource: result.value, origin: u.origin });
    }
    for (const key of previous?.keys ?? []) {
      if (!keys.has(key) && this.inForce.get(key)?.origin === u.origin) {
        this.inForce.delete(key);
        changed.add(key);
      }
    }
    if (u.removed) this.origins.delete(u.origin);
    else this.origins.set(u.origin, { keys, errors });
  }

  private buildSnapshot(): ConfigSnapshot {
    const all = [...this.inForce.values()].map((e) => e.resource);
    all.sort(
      (a, b) =>
        cmp(a.metadata.namespace, b.metadata.namespace) ||
        cmp(a.metadata.name, b.metadata.name) ||
        cmp(a.kind, b.kind),
    );
    const of = <S>(kind: string): readonly ConfigResource<S>[] =>
      Object.freeze(all.filter((r) => r.kind === kind) as ConfigResource<S>[]);
    return Object.freeze({
      virtualServices: of('VirtualService'),
      destinationRules: of('DestinationRule'),
      gateways: of('Gateway'),
      serviceEntries: of('ServiceEntry'),
      workloadEntries: of('WorkloadEntry'),
      sidecars: of('Sidecar'),
      peerAuthentications: of('PeerAuthentication'),
      authorizationPolicies: of('AuthorizationPolicy'),
      kube: Object.freeze(
        all.filter((r) =>
          ['Service', 'Endpoints', 'EndpointSlice', 'Pod', 'Namespace'].includes(r.kind),
        ),
      ),
    }) as ConfigSnapshot;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keyOfRaw(doc: RawDocument): ConfigKey | undefined {
  const o = doc.object;
  const meta = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {}) as Record<
    string,
    unknown
  >;
  if (typeof o.kind !== 'string' || typeof meta.name !== 'string') return undefined;
  const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
  return configKey(o.kind, ns, meta.name);
}

function duplicate(r: ConfigResource, message: string): ConfigError {
  return {
    code: 'IST0106',
    severity: 'Error',
    source: r.source,
    kind: r.kind,
    namespace: r.metadata.namespace,
    name: r.metadata.name,
    message,
  };
}

function sameContent(a: ConfigResource, b: ConfigResource): boolean {
  return a.apiVersion === b.apiVersion && JSON.stringify(a.raw) === JSON.stringify(b.raw);
}
