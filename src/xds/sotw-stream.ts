// One State-of-the-World ADS stream: subscriptions, ACK/NACK and nonce handling, and deciding
// what to send when the node's snapshot changes. Transport-free: it writes through a StreamSink.
import type { DiscoveryRequest } from '../gen/envoy/service/discovery/v3/discovery_pb.js';
import { encodeDiscoveryResponse } from './codec.js';
import { internNameSet } from './name-sets.js';
import type { XdsResource } from './resource.js';
import {
  EMPTY_VIEW,
  rebased,
  sameVersions,
  sizeOf,
  versionIn,
  viewOf,
  type ResourceView,
  type TypeResources,
} from './resource-view.js';
import { GatedStream, type StreamSink, type SubscribedTypeState } from './stream-common.js';
import { viewResponse } from './view-response.js';
import {
  ENDPOINT_TYPE,
  isFullStateType,
  isWildcardByDefault,
  warmingDependent,
} from './type-urls.js';

interface SotwTypeState extends SubscribedTypeState {
  /**
   * The view the last response was cut from: its name → version pairs are what the client was
   * last sent (for EDS, what it holds after partial pushes too). Held by reference; see
   * resource-view.ts.
   */
  sent: ResourceView;
  /** Version reported by the client on its first request of this stream (reconnect). */
  resumeVersion?: string;
}

export interface SotwStreamOptions {
  /**
   * When a reconnecting client's first request carries a version_info equal to what the server
   * would send, skip that response (go-control-plane's behaviour). Off by default, like istiod,
   * which always answers a new stream.
   */
  resumeOnMatchingVersion?: boolean;
}

/**
 * `current` when `requested` names exactly the same (the usual ACK), else the interned set of
 * `requested`: most requests repeat the subscription, and this skips interning them.
 */
function sameOrInterned(current: ReadonlySet<string>, requested: readonly string[]) {
  const fresh = new Set(requested);
  if (fresh.size === current.size && requested.every((n) => current.has(n))) return current;
  return internNameSet(fresh);
}

export class SotwStream extends GatedStream<SotwTypeState> {
  constructor(
    sink: StreamSink,
    private readonly options: SotwStreamOptions = {},
  ) {
    super(sink);
  }

  handleRequest(req: DiscoveryRequest): void {
    const typeUrl = req.typeUrl;
    if (!typeUrl) return;
    let state = this.types.get(typeUrl);
    const requested = req.resourceNames;
    if (!state) {
      state = {
        wildcard: false,
        names: internNameSet([]),
        sent: EMPTY_VIEW,
        pending: false,
        dirty: false,
        force: true,
        requested: true,
      };
      if (req.versionInfo) state.resumeVersion = req.versionInfo;
      this.types.set(typeUrl, state);
      this.subscribe(typeUrl, state, requested, true);
    } else {
      // A nonce that is not the latest answers a response that has since been superseded; the
      // client will send a fresh request for the latest one, so this one is ignored entirely.
      if (req.responseNonce && req.responseNonce !== state.nonce) return;
      if (req.responseNonce) {
        state.pending = false;
        this.reportAnswer(typeUrl, req.versionInfo, req.responseNonce, req.errorDetail);
      } else {
        // No nonce on a known type: the client restarted this subscription and forgot any
        // response in flight; answer it afresh.
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

  /** Applies the requested names; true when something new was subscribed (needs a response). */
  private subscribe(
    typeUrl: string,
    state: SotwTypeState,
    requested: readonly string[],
    first: boolean,
  ): boolean {
    const star = requested.includes('*');
    const wildcard =
      star || (requested.length === 0 && isWildcardByDefault(typeUrl) && (first || state.wildcard));
    const names = sameOrInterned(
      state.names,
      star ? requested.filter((n) => n !== '*') : requested,
    );
    const added =
      (wildcard && !state.wildcard) ||
      (names !== state.names && [...names].some((n) => !state.names.has(n)));
    state.wildcard = wildcard;
    state.names = names;
    this.sink.status.subscribed(this.sink.conn, typeUrl, wildcard, names);
    return added;
  }

  /** What the subscription covers in the current snapshot. */
  private currentView(typeUrl: string, state: SotwTypeState): ResourceView {
    return viewOf(this.snapshot?.get(typeUrl), state.wildcard ? undefined : state.names);
  }

  protected snapshotReplaced(
    typeUrl: string,
    state: SotwTypeState,
    previous: TypeResources | undefined,
    next: TypeResources | undefined,
    changed: ReadonlySet<string> | undefined,
  ): void {
    const moved = rebased(state.sent, previous, next, changed);
    if (moved) this.rebaseSent(typeUrl, state, moved);
  }

  /** Holds `to`, equal in content to what was sent, in place of the sent view (status too). */
  private rebaseSent(typeUrl: string, state: SotwTypeState, to: ResourceView): void {
    this.sink.status.rebased(this.sink.conn, typeUrl, state.sent, to);
    state.sent = to;
  }

  protected respond(typeUrl: string, state: SotwTypeState): void {
    const current = this.currentView(typeUrl, state);
    const force = state.force;
    state.dirty = false;
    state.force = false;
    // Nothing to send, and nothing to compute: the last response was cut from this very view.
    const unchanged = state.sent.from === current.from && state.sent.names === current.names;
    if (unchanged && !force && state.resumeVersion === undefined) return;
    const { resources, version } = viewResponse(current);
    if (state.resumeVersion !== undefined) {
      const resumed = this.options.resumeOnMatchingVersion && state.resumeVersion === version;
      state.resumeVersion = undefined;
      if (resumed) {
        state.sent = current;
        return;
      }
    }
    if (!force && !this.differs(typeUrl, resources, state.sent)) {
      // Same content from another map: hold the current one (the old map may be all that keeps
      // superseded resources alive). Not when RDS/EDS content merely shrank: the names dropped
      // are still what the client was last sent.
      if (sameVersions(state.sent, current)) this.rebaseSent(typeUrl, state, current);
      return;
    }
    // EDS is not full-state: like istiod's incremental EDS push, a server-initiated EDS push
    // carries only the load assignments that are new or changed since the last response (the
    // client keeps the others), which keeps endpoint churn cheap. Requests and warming resends
    // (force) get the whole view; RDS stays complete, as istiod sends it.
    const sent = state.sent;
    const carried =
      force || typeUrl !== ENDPOINT_TYPE
        ? resources
        : resources.filter((r) => versionIn(sent, r.name) !== r.version);
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
    state.sent = current;
    this.sink.write(bytes);
    this.sink.status.sent(
      this.sink.conn,
      typeUrl,
      {
        version,
        nonce,
        resourceCount: carried.length,
        bytes: bytes.length,
      },
      current,
    );
    const dependent = warmingDependent(typeUrl);
    const dependentState = dependent ? this.types.get(dependent) : undefined;
    if (dependentState) dependentState.force = true;
  }

  /** LDS/CDS: any difference (removals included); RDS/EDS: a new or changed resource. */
  private differs(typeUrl: string, resources: readonly XdsResource[], sent: ResourceView): boolean {
    if (resources.some((r) => versionIn(sent, r.name) !== r.version)) return true;
    return isFullStateType(typeUrl) && resources.length !== sizeOf(sent);
  }
}
