// One Delta (incremental) ADS stream: per-resource versions the client holds, subscribe and
// unsubscribe, removed_resources, and reconnects with initial_resource_versions.
import type { DeltaDiscoveryRequest } from '../gen/envoy/service/discovery/v3/discovery_pb.js';
import { encodeDeltaDiscoveryResponse } from './codec.js';
import { deltaResourceBytes, type XdsResource } from './resource.js';
import type { Snapshot, SnapshotChange } from './snapshot-cache.js';
import { responseVersion } from './sotw-stream.js';
import {
  flushInPushOrder,
  nackMessage,
  type GatedTypeState,
  type StreamSink,
} from './stream-common.js';
import { isWildcardByDefault, warmingDependent } from './type-urls.js';

interface DeltaTypeState extends GatedTypeState {
  wildcard: boolean;
  names: Set<string>;
  /** name → version the client holds (from initial_resource_versions, then from what was sent). */
  clientHas: Map<string, string>;
  /** Names to resend even if unchanged (EDS after a cluster update, for warming). */
  resend: Set<string>;
  /** system_version_info of the last response, reported as the ACKed/NACKed version. */
  version?: string;
}

export class DeltaStream {
  private readonly types = new Map<string, DeltaTypeState>();
  private snapshot: Snapshot | undefined;

  constructor(private readonly sink: StreamSink) {}

  setInitialSnapshot(snapshot: Snapshot | undefined): void {
    this.snapshot = snapshot;
  }

  onSnapshot(change: SnapshotChange): void {
    this.snapshot = change.snapshot;
    for (const [typeUrl, state] of this.types) {
      const names = change.changed.get(typeUrl);
      if (!names) continue;
      if (state.wildcard || [...names].some((n) => state.names.has(n))) state.dirty = true;
    }
    this.flush();
  }

  handleRequest(req: DeltaDiscoveryRequest): void {
    const typeUrl = req.typeUrl;
    if (!typeUrl) return;
    let state = this.types.get(typeUrl);
    if (!state) {
      const subscribe = req.resourceNamesSubscribe;
      state = {
        wildcard:
          subscribe.includes('*') || (subscribe.length === 0 && isWildcardByDefault(typeUrl)),
        names: new Set(),
        clientHas: new Map(Object.entries(req.initialResourceVersions)),
        resend: new Set(),
        pending: false,
        dirty: false,
        // The first response of a type ends the client's initial fetch even when it is empty.
        force: true,
        requested: true,
      };
      this.types.set(typeUrl, state);
    } else if (req.responseNonce && req.responseNonce === state.nonce) {
      state.pending = false;
      const nack = nackMessage(req.errorDetail);
      if (nack !== undefined) {
        this.sink.status.nacked(
          this.sink.conn,
          typeUrl,
          state.version ?? '',
          req.responseNonce,
          nack,
        );
      } else {
        this.sink.status.acked(this.sink.conn, typeUrl, state.version ?? '', req.responseNonce);
      }
    }
    // Subscription changes are deltas and are applied whatever the nonce: dropping one would
    // leave client and server disagreeing forever.
    for (const name of req.resourceNamesSubscribe) {
      if (name === '*') {
        if (!state.wildcard) state.dirty = state.requested = true;
        state.wildcard = true;
      } else if (!state.names.has(name)) {
        state.names.add(name);
        state.dirty = true;
        state.requested = true;
      }
    }
    for (const name of req.resourceNamesUnsubscribe) {
      if (name === '*') state.wildcard = false;
      else state.names.delete(name);
    }
    // The client forgets what it unsubscribed from; a later subscribe must send it again.
    for (const name of state.clientHas.keys()) {
      if (!state.wildcard && !state.names.has(name)) state.clientHas.delete(name);
    }
    this.sink.status.subscribed(this.sink.conn, typeUrl, state.wildcard, state.names);
    this.flush();
  }

  private flush(): void {
    if (!this.snapshot) return;
    flushInPushOrder(this.types, (typeUrl, state) => this.respond(typeUrl, state));
  }

  private respond(typeUrl: string, state: DeltaTypeState): void {
    const all = this.snapshot?.get(typeUrl) ?? new Map<string, XdsResource>();
    const wanted = (name: string): boolean => state.wildcard || state.names.has(name);
    const updates = [...all.values()]
      .filter((r) => wanted(r.name))
      .filter((r) => state.clientHas.get(r.name) !== r.version || state.resend.has(r.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const removed = [...state.clientHas.keys()].filter((n) => !all.has(n)).sort();
    const force = state.force;
    state.dirty = false;
    state.force = false;
    state.resend.clear();
    if (!force && updates.length === 0 && removed.length === 0) return;

    const nonce = this.sink.nextNonce();
    const systemVersion = responseVersion(
      [...all.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    );
    const bytes = encodeDeltaDiscoveryResponse({
      systemVersionInfo: systemVersion,
      resources: updates.map(deltaResourceBytes),
      typeUrl,
      removedResources: removed,
      nonce,
      controlPlaneId: this.sink.controlPlaneId,
    });
    state.nonce = nonce;
    state.version = systemVersion;
    state.pending = true;
    for (const r of updates) state.clientHas.set(r.name, r.version);
    for (const n of removed) state.clientHas.delete(n);
    this.sink.write(bytes);
    this.sink.status.sent(this.sink.conn, typeUrl, {
      version: systemVersion,
      nonce,
      resourceCount: updates.length,
      bytes: bytes.length,
    });

    const dependent = warmingDependent(typeUrl);
    const dependentState = dependent ? this.types.get(dependent) : undefined;
    if (dependentState && updates.length > 0) {
      for (const r of updates) dependentState.resend.add(r.name);
      dependentState.dirty = true;
    }
  }
}
