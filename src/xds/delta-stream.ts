// One Delta (incremental) ADS stream: per-resource versions the client holds, subscribe and
// unsubscribe, removed_resources, and reconnects with initial_resource_versions.
import type { DeltaDiscoveryRequest } from '../gen/envoy/service/discovery/v3/discovery_pb.js';
import { encodeDeltaDiscoveryResponse } from './codec.js';
import { deltaResourceBytes, type XdsResource } from './resource.js';
import { byName, GatedStream, responseVersion, type SubscribedTypeState } from './stream-common.js';
import { isWildcardByDefault, warmingDependent } from './type-urls.js';

interface DeltaTypeState extends SubscribedTypeState {
  /** name → version the client holds (from initial_resource_versions, then from what was sent). */
  clientHas: Map<string, string>;
  /** Names to resend even if unchanged (EDS after a cluster update, for warming). */
  resend: Set<string>;
  /** system_version_info of the last response, reported as the ACKed/NACKed version. */
  version?: string;
}

export class DeltaStream extends GatedStream<DeltaTypeState> {
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
      this.reportAnswer(typeUrl, state.version ?? '', req.responseNonce, req.errorDetail);
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

  protected respond(typeUrl: string, state: DeltaTypeState): void {
    const all = this.snapshot?.get(typeUrl) ?? new Map<string, XdsResource>();
    const wanted = (name: string): boolean => state.wildcard || state.names.has(name);
    const updates = [...all.values()]
      .filter((r) => wanted(r.name))
      .filter((r) => state.clientHas.get(r.name) !== r.version || state.resend.has(r.name))
      .sort(byName);
    const removed = [...state.clientHas.keys()].filter((n) => !all.has(n)).sort();
    const force = state.force;
    state.dirty = false;
    state.force = false;
    state.resend.clear();
    if (!force && updates.length === 0 && removed.length === 0) return;

    const nonce = this.sink.nextNonce();
    const systemVersion = responseVersion([...all.values()].sort(byName));
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
