// One Delta (incremental) ADS stream: per-resource versions the client holds, subscribe and
// unsubscribe, removed_resources, and reconnects with initial_resource_versions.
import type { DeltaDiscoveryRequest } from '../gen/envoy/service/discovery/v3/discovery_pb.js';
import { encodeDeltaDiscoveryResponse } from './codec.js';
import { internNameSet } from './name-sets.js';
import { deltaResourceBytes } from './resource.js';
import {
  EMPTY_VIEW,
  namesIn,
  NO_RESOURCES,
  rebased,
  versionIn,
  versionsOf,
  viewOf,
  type ResourceView,
  type TypeResources,
} from './resource-view.js';
import { byName, GatedStream, responseVersion, type SubscribedTypeState } from './stream-common.js';
import { isWildcardByDefault, warmingDependent } from './type-urls.js';

interface DeltaTypeState extends SubscribedTypeState {
  /**
   * name → version the client holds. After every evaluation (`respond`, whether it sends or not)
   * that is exactly the subscribed view of the snapshot then current, so it is held as that view,
   * by reference. `clientOwn`, when set, overrides it with a materialized map while the client's
   * state departs from any such view (initial_resource_versions on a reconnect, names forgotten on
   * unsubscription), until the next evaluation.
   */
  clientHas: ResourceView;
  clientOwn?: Map<string, string>;
  /** Names to resend even if unchanged (EDS after a cluster update, for warming). */
  resend?: Set<string>;
  /** system_version_info of the last response, reported as the ACKed/NACKed version. */
  version?: string;
}

function clientVersion(state: DeltaTypeState, name: string): string | undefined {
  return state.clientOwn ? state.clientOwn.get(name) : versionIn(state.clientHas, name);
}

function clientNames(state: DeltaTypeState): Iterable<string> {
  return state.clientOwn ? state.clientOwn.keys() : namesIn(state.clientHas);
}

export class DeltaStream extends GatedStream<DeltaTypeState> {
  handleRequest(req: DeltaDiscoveryRequest): void {
    const typeUrl = req.typeUrl;
    if (!typeUrl) return;
    let state = this.types.get(typeUrl);
    if (!state) {
      const subscribe = req.resourceNamesSubscribe;
      const initial = Object.entries(req.initialResourceVersions);
      state = {
        wildcard:
          subscribe.includes('*') || (subscribe.length === 0 && isWildcardByDefault(typeUrl)),
        names: internNameSet([]),
        clientHas: EMPTY_VIEW,
        clientOwn: initial.length > 0 ? new Map(initial) : undefined,
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
    // leave client and server disagreeing forever. The name set is shared (interned), so changes
    // go to a copy that replaces it.
    let names: Set<string> | undefined;
    for (const name of req.resourceNamesSubscribe) {
      if (name === '*') {
        if (!state.wildcard) state.dirty = state.requested = true;
        state.wildcard = true;
      } else if (!(names ?? state.names).has(name)) {
        (names ??= new Set(state.names)).add(name);
        state.dirty = true;
        state.requested = true;
      }
    }
    for (const name of req.resourceNamesUnsubscribe) {
      if (name === '*') state.wildcard = false;
      else if ((names ?? state.names).has(name)) (names ??= new Set(state.names)).delete(name);
    }
    if (names) state.names = internNameSet(names);
    this.forgetUnsubscribed(state);
    this.sink.status.subscribed(this.sink.conn, typeUrl, state.wildcard, state.names);
    this.flush();
  }

  /** The client forgets what it unsubscribed from; a later subscribe must send it again. */
  private forgetUnsubscribed(state: DeltaTypeState): void {
    if (state.wildcard) return;
    // A view restricted to the current names holds nothing outside them.
    if (!state.clientOwn && state.clientHas.names === state.names) return;
    const gone = [...clientNames(state)].filter((n) => !state.names.has(n));
    if (gone.length === 0) return;
    const own = (state.clientOwn ??= versionsOf(state.clientHas));
    for (const n of gone) own.delete(n);
  }

  protected snapshotReplaced(
    typeUrl: string,
    state: DeltaTypeState,
    previous: TypeResources | undefined,
    next: TypeResources | undefined,
    changed: ReadonlySet<string> | undefined,
  ): void {
    if (state.clientOwn) return;
    const moved = rebased(state.clientHas, previous, next, changed);
    if (moved) this.settle(typeUrl, state, moved, true);
  }

  /**
   * Records that the client now holds exactly `view`; `same` when that is the content it was
   * known to hold already, so the status's record of the last response may follow.
   */
  private settle(typeUrl: string, state: DeltaTypeState, view: ResourceView, same: boolean): void {
    if (same && !state.clientOwn) {
      this.sink.status.rebased(this.sink.conn, typeUrl, state.clientHas, view);
    }
    state.clientHas = view;
    state.clientOwn = undefined;
  }

  protected respond(typeUrl: string, state: DeltaTypeState): void {
    const all = this.snapshot?.get(typeUrl) ?? NO_RESOURCES;
    const current = viewOf(all, state.wildcard ? undefined : state.names);
    const force = state.force;
    const resend = state.resend;
    state.dirty = false;
    state.force = false;
    state.resend = undefined;
    const settled =
      !state.clientOwn && state.clientHas.from === all && state.clientHas.names === current.names;
    if (settled && !force && !resend) return;
    const wanted = (name: string): boolean => state.wildcard || state.names.has(name);
    const updates = [...all.values()]
      .filter((r) => wanted(r.name))
      .filter((r) => clientVersion(state, r.name) !== r.version || resend?.has(r.name))
      .sort(byName);
    const removed = [...clientNames(state)].filter((n) => !all.has(n)).sort();
    // Whatever is sent now, the client ends up holding exactly the current view: wanted names
    // it lacks or holds at another version are updates, names it holds that are gone are removed
    // (and it holds no unwanted name: forgetUnsubscribed). With neither, it held it already.
    const same = updates.length === 0 && removed.length === 0;
    this.settle(typeUrl, state, current, same);
    if (!force && same) return;

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
    this.sink.write(bytes);
    this.sink.status.sent(
      this.sink.conn,
      typeUrl,
      {
        version: systemVersion,
        nonce,
        resourceCount: updates.length,
        bytes: bytes.length,
      },
      current,
    );

    const dependent = warmingDependent(typeUrl);
    const dependentState = dependent ? this.types.get(dependent) : undefined;
    if (dependentState && updates.length > 0) {
      const names = (dependentState.resend ??= new Set());
      for (const r of updates) names.add(r.name);
      dependentState.dirty = true;
    }
  }
}
