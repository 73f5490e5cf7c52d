// Test oracle: the SotW and Delta stream logic as it was before streams held their state by
// reference (resource-view.ts, name-sets.ts), with every per-stream map and set materialized.
// stream-equivalence.test.ts drives it and the real streams with the same requests and snapshot
// changes and requires identical output. Kept deliberately plain: it is the specification.
import type {
  DeltaDiscoveryRequest,
  DiscoveryRequest,
} from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse } from '../codec.js';
import { deltaResourceBytes, type XdsResource } from '../resource.js';
import { viewOf } from '../resource-view.js';
import type { Snapshot, SnapshotChange } from '../snapshot-cache.js';
import {
  byName,
  flushInPushOrder,
  responseVersion,
  type GatedTypeState,
  type StreamSink,
} from '../stream-common.js';
import {
  ENDPOINT_TYPE,
  isFullStateType,
  isWildcardByDefault,
  warmingDependent,
} from '../type-urls.js';

interface RefTypeState extends GatedTypeState {
  wildcard: boolean;
  names: Set<string>;
}

abstract class RefGatedStream<S extends RefTypeState> {
  readonly types = new Map<string, S>();
  snapshot: Snapshot | undefined;

  constructor(protected readonly sink: StreamSink) {}

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

  protected flush(): void {
    if (!this.snapshot) return;
    flushInPushOrder(this.types, (typeUrl, state) => this.respond(typeUrl, state));
  }

  protected reportAnswer(
    typeUrl: string,
    version: string,
    nonce: string,
    errorDetail: { message: string; code: number } | undefined,
  ): void {
    const { status, conn } = this.sink;
    if (errorDetail) {
      const message = errorDetail.message || `error code ${errorDetail.code}`;
      status.nacked(conn, typeUrl, version, nonce, message);
    } else {
      status.acked(conn, typeUrl, version, nonce);
    }
  }

  /** The status wants the view sent; the oracle's output is compared without it. */
  protected viewFor(typeUrl: string, state: S) {
    return viewOf(this.snapshot?.get(typeUrl), state.wildcard ? undefined : state.names);
  }

  protected abstract respond(typeUrl: string, state: S): void;
}

interface RefSotwState extends RefTypeState {
  sent: Map<string, string>;
  resumeVersion?: string;
}

export class ReferenceSotwStream extends RefGatedStream<RefSotwState> {
  constructor(
    sink: StreamSink,
    private readonly resumeOnMatchingVersion = false,
  ) {
    super(sink);
  }

  handleRequest(req: DiscoveryRequest): void {
    const typeUrl = req.typeUrl;
    if (!typeUrl) return;
    let state = this.types.get(typeUrl);
    const requested = new Set(req.resourceNames);
    if (!state) {
      state = {
        wildcard: false,
        names: new Set(),
        sent: new Map(),
        pending: false,
        dirty: false,
        force: true,
        requested: true,
      };
      if (req.versionInfo) state.resumeVersion = req.versionInfo;
      this.types.set(typeUrl, state);
      this.subscribe(typeUrl, state, requested, true);
    } else {
      if (req.responseNonce && req.responseNonce !== state.nonce) return;
      if (req.responseNonce) {
        state.pending = false;
        this.reportAnswer(typeUrl, req.versionInfo, req.responseNonce, req.errorDetail);
      } else {
        state.pending = false;
        state.force = true;
        state.requested = true;
      }
      if (this.subscribe(typeUrl, state, requested, false)) {
        state.force = true;
        state.requested = true;
      }
    }
    this.flush();
  }

  private subscribe(
    typeUrl: string,
    state: RefSotwState,
    requested: Set<string>,
    first: boolean,
  ): boolean {
    const wildcard =
      requested.has('*') ||
      (requested.size === 0 && isWildcardByDefault(typeUrl) && (first || state.wildcard));
    requested.delete('*');
    const added = (wildcard && !state.wildcard) || [...requested].some((n) => !state.names.has(n));
    state.wildcard = wildcard;
    state.names = requested;
    this.sink.status.subscribed(this.sink.conn, typeUrl, wildcard, requested);
    return added;
  }

  private view(typeUrl: string, state: RefSotwState): XdsResource[] {
    const all = this.snapshot?.get(typeUrl);
    if (!all) return [];
    const picked = state.wildcard
      ? [...all.values()]
      : [...state.names].flatMap((n) => (all.has(n) ? [all.get(n) as XdsResource] : []));
    return picked.sort(byName);
  }

  protected respond(typeUrl: string, state: RefSotwState): void {
    const resources = this.view(typeUrl, state);
    const force = state.force;
    state.dirty = false;
    state.force = false;
    const version = responseVersion(resources);
    if (state.resumeVersion !== undefined) {
      const resumed = this.resumeOnMatchingVersion && state.resumeVersion === version;
      state.resumeVersion = undefined;
      if (resumed) {
        state.sent = new Map(resources.map((r) => [r.name, r.version]));
        return;
      }
    }
    if (!force && !this.differs(typeUrl, resources, state.sent)) return;
    const carried =
      force || typeUrl !== ENDPOINT_TYPE
        ? resources
        : resources.filter((r) => state.sent.get(r.name) !== r.version);
    const nonce = this.sink.nextNonce();
    const bytes = encodeDiscoveryResponse({
      versionInfo: version,
      resources: carried.map((r) => r.anyBytes),
      typeUrl,
      nonce,
      controlPlaneId: this.sink.controlPlaneId,
    });
    state.nonce = nonce;
    state.pending = true;
    state.sent = new Map(resources.map((r) => [r.name, r.version]));
    this.sink.write(bytes);
    this.sink.status.sent(
      this.sink.conn,
      typeUrl,
      { version, nonce, resourceCount: carried.length, bytes: bytes.length },
      this.viewFor(typeUrl, state),
    );
    const dependent = warmingDependent(typeUrl);
    const dependentState = dependent ? this.types.get(dependent) : undefined;
    if (dependentState) dependentState.force = true;
  }

  private differs(typeUrl: string, resources: XdsResource[], sent: Map<string, string>): boolean {
    if (isFullStateType(typeUrl) && resources.length !== sent.size) return true;
    return resources.some((r) => sent.get(r.name) !== r.version);
  }
}

interface RefDeltaState extends RefTypeState {
  clientHas: Map<string, string>;
  resend: Set<string>;
  version?: string;
}

export class ReferenceDeltaStream extends RefGatedStream<RefDeltaState> {
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
        force: true,
        requested: true,
      };
      this.types.set(typeUrl, state);
    } else if (req.responseNonce && req.responseNonce === state.nonce) {
      state.pending = false;
      this.reportAnswer(typeUrl, state.version ?? '', req.responseNonce, req.errorDetail);
    }
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
    for (const name of state.clientHas.keys()) {
      if (!state.wildcard && !state.names.has(name)) state.clientHas.delete(name);
    }
    this.sink.status.subscribed(this.sink.conn, typeUrl, state.wildcard, state.names);
    this.flush();
  }

  protected respond(typeUrl: string, state: RefDeltaState): void {
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
    this.sink.status.sent(
      this.sink.conn,
      typeUrl,
      { version: systemVersion, nonce, resourceCount: updates.length, bytes: bytes.length },
      // A copy: the oracle's names set is mutated later.
      viewOf(all, state.wildcard ? undefined : new Set(state.names)),
    );

    const dependent = warmingDependent(typeUrl);
    const dependentState = dependent ? this.types.get(dependent) : undefined;
    if (dependentState && updates.length > 0) {
      for (const r of updates) dependentState.resend.add(r.name);
      dependentState.dirty = true;
    }
  }
}
