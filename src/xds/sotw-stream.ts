// One State-of-the-World ADS stream: subscriptions, ACK/NACK and nonce handling, and deciding
// what to send when the node's snapshot changes. Transport-free: it writes through a StreamSink.
import type { DiscoveryRequest } from '../gen/envoy/service/discovery/v3/discovery_pb.js';
import { encodeDiscoveryResponse } from './codec.js';
import type { XdsResource } from './resource.js';
import {
  byName,
  GatedStream,
  responseVersion,
  type StreamSink,
  type SubscribedTypeState,
} from './stream-common.js';
import {
  ENDPOINT_TYPE,
  isFullStateType,
  isWildcardByDefault,
  warmingDependent,
} from './type-urls.js';

interface SotwTypeState extends SubscribedTypeState {
  /** name → version of what the last response carried. */
  sent: Map<string, string>;
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

  private view(typeUrl: string, state: SotwTypeState): XdsResource[] {
    const all = this.snapshot?.get(typeUrl);
    if (!all) return [];
    const picked = state.wildcard
      ? [...all.values()]
      : [...state.names].flatMap((n) => (all.has(n) ? [all.get(n) as XdsResource] : []));
    return picked.sort(byName);
  }

  protected respond(typeUrl: string, state: SotwTypeState): void {
    const resources = this.view(typeUrl, state);
    const force = state.force;
    state.dirty = false;
    state.force = false;
    const version = responseVersion(resources);
    if (state.resumeVersion !== undefined) {
      const resumed = this.options.resumeOnMatchingVersion && state.resumeVersion === version;
      state.resumeVersion = undefined;
      if (resumed) {
        state.sent = new Map(resources.map((r) => [r.name, r.version]));
        return;
      }
    }
    if (!force && !this.differs(typeUrl, resources, state.sent)) return;
    // EDS is not full-state: like istiod's incremental EDS push, a server-initiated EDS push
    // carries only the load assignments that are new or changed since the last response (the
    // client keeps the others), which keeps endpoint churn cheap. Requests and warming resends
    // (force) get the whole view; RDS stays complete, as istiod sends it.
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
    this.sink.status.sent(this.sink.conn, typeUrl, {
      version,
      nonce,
      resourceCount: carried.length,
      bytes: bytes.length,
    });
    const dependent = warmingDependent(typeUrl);
    const dependentState = dependent ? this.types.get(dependent) : undefined;
    if (dependentState) dependentState.force = true;
  }

  /** LDS/CDS: any difference (removals included); RDS/EDS: a new or changed resource. */
  private differs(typeUrl: string, resources: XdsResource[], sent: Map<string, string>): boolean {
    if (isFullStateType(typeUrl) && resources.length !== sent.size) return true;
    return resources.some((r) => sent.get(r.name) !== r.version);
  }
}
