// The xDS client state of one simulated proxy: per type the last accepted version and nonce, the
// subscribed names, and the resources held, from which the EDS and RDS subscriptions follow.
import type { DeltaResponse, SotwResponse } from './xds-messages.js';
import { readCluster, readListener } from './xds-messages.js';

export const TYPE = {
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
} as const;

export interface TypeState {
  wildcard: boolean;
  subscribed: Set<string>;
  /** Names received at least once (for the completeness check). */
  received: Set<string>;
  version: string;
  nonce: string;
}

export interface SubscriptionChange {
  added: string[];
  removed: string[];
}

export class ProxyState {
  private readonly types = new Map<string, TypeState>();
  /** cluster name → EDS name; listener name → RDS names (the Delta view is incremental). */
  private readonly clusters = new Map<string, string | undefined>();
  private readonly listeners = new Map<string, Set<string>>();

  type(typeUrl: string): TypeState {
    let t = this.types.get(typeUrl);
    if (!t) {
      const wildcard = typeUrl === TYPE.cluster || typeUrl === TYPE.listener;
      t = { wildcard, subscribed: new Set(), received: new Set(), version: '', nonce: '' };
      this.types.set(typeUrl, t);
    }
    return t;
  }

  get complete(): boolean {
    if (!this.types.get(TYPE.cluster)?.nonce || !this.types.get(TYPE.listener)?.nonce) return false;
    for (const typeUrl of [TYPE.endpoint, TYPE.route]) {
      const t = this.types.get(typeUrl);
      if (!t) continue;
      for (const n of t.subscribed) if (!t.received.has(n)) return false;
    }
    return true;
  }

  /** Applies a SotW response; returns the dependent types whose subscription changed. */
  applySotw(r: SotwResponse): Map<string, SubscriptionChange> {
    const t = this.type(r.typeUrl);
    t.version = r.versionInfo;
    t.nonce = r.nonce;
    if (r.typeUrl === TYPE.cluster) {
      this.clusters.clear();
      for (const a of r.resources) {
        const c = readCluster(a.value);
        this.clusters.set(c.name, c.edsName);
      }
      return this.resubscribe(TYPE.endpoint, this.edsNames());
    }
    if (r.typeUrl === TYPE.listener) {
      this.listeners.clear();
      for (const a of r.resources) {
        const l = readListener(a.value);
        this.listeners.set(l.name, l.routeNames);
      }
      return this.resubscribe(TYPE.route, this.routeNames());
    }
    if (r.typeUrl === TYPE.endpoint || r.typeUrl === TYPE.route) {
      // Only the names are needed; a CLA's name is its field 1 like a RouteConfiguration's.
      for (const a of r.resources) t.received.add(nameOf(a.value));
    }
    return new Map();
  }

  /** Applies a Delta response; returns the dependent types whose subscription changed. */
  applyDelta(r: DeltaResponse): Map<string, SubscriptionChange> {
    const t = this.type(r.typeUrl);
    t.version = r.systemVersionInfo;
    t.nonce = r.nonce;
    if (r.typeUrl === TYPE.cluster) {
      for (const name of r.removed) this.clusters.delete(name);
      for (const res of r.resources) {
        if (res.resource) this.clusters.set(res.name, readCluster(res.resource.value).edsName);
      }
      return this.resubscribe(TYPE.endpoint, this.edsNames());
    }
    if (r.typeUrl === TYPE.listener) {
      for (const name of r.removed) this.listeners.delete(name);
      for (const res of r.resources) {
        if (res.resource) this.listeners.set(res.name, readListener(res.resource.value).routeNames);
      }
      return this.resubscribe(TYPE.route, this.routeNames());
    }
    for (const res of r.resources) t.received.add(res.name);
    return new Map();
  }

  private edsNames(): Set<string> {
    const out = new Set<string>();
    for (const eds of this.clusters.values()) if (eds) out.add(eds);
    return out;
  }

  private routeNames(): Set<string> {
    const out = new Set<string>();
    for (const names of this.listeners.values()) for (const n of names) out.add(n);
    return out;
  }

  private resubscribe(typeUrl: string, wanted: Set<string>): Map<string, SubscriptionChange> {
    const t = this.type(typeUrl);
    const added = [...wanted].filter((n) => !t.subscribed.has(n));
    const removed = [...t.subscribed].filter((n) => !wanted.has(n));
    if (added.length === 0 && removed.length === 0) return new Map();
    t.subscribed = wanted;
    for (const n of removed) t.received.delete(n);
    return new Map([[typeUrl, { added, removed }]]);
  }
}

function nameOf(buf: Uint8Array): string {
  // Field 1 (tag 0x0a) is the name of both RouteConfiguration and ClusterLoadAssignment.
  if (buf[0] !== 0x0a) return '';
  let len = 0;
  let mul = 1;
  let pos = 1;
  for (;;) {
    const b = buf[pos++] ?? 0;
    len += (b & 0x7f) * mul;
    if (b < 0x80) break;
    mul *= 128;
  }
  return new TextDecoder().decode(buf.subarray(pos, pos + len));
}
