// What a proxy runs vs what the server would send it now, per xDS type and resource: the data
// behind `proxy-status <pod>.<ns>`. The server never sees a proxy's config, so "what it runs" is
// the set of resources (name → content version) of the last response it ACKed, which the
// connection status keeps as a reference to the snapshot map and subscription that response was
// cut from (TypeStatus.ackedView).
import type { DiscoveryServer } from '../server/discovery-server.js';
import { versionsOf } from '../xds/resource-view.js';
import type { Snapshot } from '../xds/snapshot-cache.js';
import type { TypeStatus } from '../xds/status.js';
import { shortType } from './metrics.js';
import { TYPE_KEYS, typeSync, type SyncState } from './sync-status.js';

type Versions = ReadonlyMap<string, string>;

export interface ResourceDiff {
  name: string;
  /** added: the server has it, the proxy does not; removed: the reverse; changed: content differs. */
  change: 'added' | 'removed' | 'changed';
  ackedVersion?: string;
  currentVersion?: string;
}

export interface TypeDiff {
  type: string;
  state: SyncState;
  error?: string;
  sentVersion?: string;
  ackedVersion?: string;
  /** Resources the proxy has ACKed (undefined when it never ACKed this type on this stream). */
  ackedResources?: number;
  currentResources: number;
  differences: ResourceDiff[];
}

export interface ProxyDiff {
  nodeId: string;
  connectionId: string;
  inSync: boolean;
  types: TypeDiff[];
}

/** The resources of one type a subscription covers in a snapshot, as name → version. */
function currentView(snapshot: Snapshot | undefined, t: TypeStatus): Map<string, string> {
  const all = snapshot?.get(t.typeUrl);
  const out = new Map<string, string>();
  if (!all) return out;
  const names = t.wildcard ? [...all.keys()] : t.names.filter((n) => all.has(n));
  for (const n of names.sort()) out.set(n, all.get(n)?.version ?? '');
  return out;
}

export function diffVersions(acked: Versions, current: Versions): ResourceDiff[] {
  const out: ResourceDiff[] = [];
  for (const [name, v] of current) {
    const a = acked.get(name);
    if (a === undefined) out.push({ name, change: 'added', currentVersion: v });
    else if (a !== v) out.push({ name, change: 'changed', ackedVersion: a, currentVersion: v });
  }
  for (const [name, a] of acked) {
    if (!current.has(name)) out.push({ name, change: 'removed', ackedVersion: a });
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
}

/**
 * Diffs what each stream's client last ACKed against the current snapshot. Keeps no state: the
 * ACKed view lives in the connection status by reference, so nothing is copied per stream when
 * responses are sent or ACKed.
 */
export class AckTracker {
  constructor(private readonly d: DiscoveryServer) {}

  /** One entry per live stream of the proxy (`<pod>.<ns>` or node id). */
  diff(proxyId: string): ProxyDiff[] {
    const proxy = this.d
      .connectedProxies()
      .find((p) => p.nodeId === proxyId || p.proxy.name === proxyId);
    if (!proxy) return [];
    const snapshot = this.d.cache.getSnapshot(proxy.nodeId);
    return this.d.status.byNode(proxy.nodeId).map((conn) => {
      const types: TypeDiff[] = [];
      for (const typeUrl of Object.values(TYPE_KEYS)) {
        const t = conn.types.get(typeUrl);
        if (!t) continue;
        const current = currentView(snapshot, t);
        const acked = t.ackedView && versionsOf(t.ackedView);
        const sync = typeSync(t);
        types.push({
          type: shortType(typeUrl),
          state: sync.state,
          error: sync.error,
          sentVersion: sync.sentVersion,
          ackedVersion: sync.ackedVersion,
          ackedResources: acked?.size,
          currentResources: current.size,
          differences: diffVersions(acked ?? new Map(), current),
        });
      }
      return {
        nodeId: proxy.nodeId,
        connectionId: conn.connectionId,
        inSync: types.every((t) => t.differences.length === 0 && t.state === 'SYNCED'),
        types,
      };
    });
  }
}

const attached = new WeakMap<DiscoveryServer, AckTracker>();

export function ackTracker(d: DiscoveryServer): AckTracker {
  let t = attached.get(d);
  if (!t) attached.set(d, (t = new AckTracker(d)));
  return t;
}
