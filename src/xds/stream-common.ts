// What SotW and Delta streams share: the sink they write to, the snapshot and subscription
// bookkeeping, ACK/NACK reporting, and the rule that keeps at most one un-ACKed response per type
// while preserving the push order across types.
import { contentVersion, type XdsResource } from './resource.js';
import type { TypeResources } from './resource-view.js';
import type { Snapshot, SnapshotChange } from './snapshot-cache.js';
import type { ConnectionStatus, XdsStatus } from './status.js';
import { sortByPushOrder } from './type-urls.js';

export interface StreamSink {
  /** Queues one encoded response; never blocks (backpressure is bounded by the ACK rule). */
  write(bytes: Uint8Array): void;
  nextNonce(): string;
  status: XdsStatus;
  conn: ConnectionStatus;
  controlPlaneId?: string;
}

/** Per-type bookkeeping both protocols need for ACK gating. */
export interface GatedTypeState {
  /** Nonce of the last response sent for the type. */
  nonce?: string;
  /** A response was sent and neither ACKed nor NACKed yet. */
  pending: boolean;
  /** The snapshot or subscription changed since the last evaluation. */
  dirty: boolean;
  /** Respond even when the content equals what was sent (first request, warming resend). */
  force: boolean;
  /**
   * The client itself asked (first request, new names): answered even while an earlier type
   * waits for its ACK, so a client that delays one ACK until another type arrives cannot stall.
   */
  requested: boolean;
}

/**
 * Visits the types needing a response in push order and calls `respond` for each that may send
 * now. A type with an un-ACKed response stays dirty; so do the server-initiated pushes of the
 * types after it, so that e.g. new routes never overtake the clusters they reference.
 */
export function flushInPushOrder<S extends GatedTypeState>(
  types: ReadonlyMap<string, S>,
  respond: (typeUrl: string, state: S) => void,
): void {
  let blocked = false;
  for (const typeUrl of sortByPushOrder(types.keys())) {
    const state = types.get(typeUrl);
    if (!state || (!state.dirty && !state.force)) continue;
    if (state.pending) {
      blocked = true;
      continue;
    }
    if (blocked && !state.requested) continue;
    state.requested = false;
    respond(typeUrl, state);
  }
}

/** Gated state plus what the client subscribed to. */
export interface SubscribedTypeState extends GatedTypeState {
  wildcard: boolean;
  /** Interned (name-sets.ts): replaced when the subscription changes, never mutated. */
  names: ReadonlySet<string>;
}

/**
 * The protocol-independent half of an ADS stream: holds the node's snapshot, marks the subscribed
 * types a snapshot change touches and flushes them in push order. Subclasses parse requests and
 * build the protocol's response in `respond`.
 */
export abstract class GatedStream<S extends SubscribedTypeState> {
  protected readonly types = new Map<string, S>();
  protected snapshot: Snapshot | undefined;

  constructor(protected readonly sink: StreamSink) {}

  /** The node's snapshot when the stream opens (possibly not built yet). */
  setInitialSnapshot(snapshot: Snapshot | undefined): void {
    this.snapshot = snapshot;
  }

  onSnapshot(change: SnapshotChange): void {
    const previous = this.snapshot;
    this.snapshot = change.snapshot;
    for (const [typeUrl, state] of this.types) {
      const names = change.changed.get(typeUrl);
      this.snapshotReplaced(
        typeUrl,
        state,
        previous?.get(typeUrl),
        change.snapshot.get(typeUrl),
        names,
      );
      if (!names) continue;
      if (state.wildcard || [...names].some((n) => state.names.has(n))) state.dirty = true;
    }
    this.flush();
  }

  /**
   * Lets a subclass move what it holds by reference from the type's previous map onto the new
   * one (see resource-view.ts `rebased`); `changed` is the diff's names for the type.
   */
  protected abstract snapshotReplaced(
    typeUrl: string,
    state: S,
    previous: TypeResources | undefined,
    next: TypeResources | undefined,
    changed: ReadonlySet<string> | undefined,
  ): void;

  protected flush(): void {
    if (!this.snapshot) return;
    flushInPushOrder(this.types, (typeUrl, state) => this.respond(typeUrl, state));
  }

  /** Records the client's answer to response `nonce`: a NACK when it carries an error detail. */
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

  protected abstract respond(typeUrl: string, state: S): void;
}

/** Orders resources by name, so responses and their versions are deterministic. */
export function byName(a: XdsResource, b: XdsResource): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A stable version for a response: the hash of its names and resource versions. */
export function responseVersion(resources: readonly XdsResource[]): string {
  return contentVersion(resources.map((r) => `${r.name}\u0000${r.version}`).join('\n'));
}
