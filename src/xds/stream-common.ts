// What SotW and Delta streams share: the sink they write to, and the rule that keeps at most one
// un-ACKed response per type while preserving the push order across types.
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

/** The error text of a NACK, or undefined for an ACK. */
export function nackMessage(
  errorDetail: { message: string; code: number } | undefined,
): string | undefined {
  if (!errorDetail) return undefined;
  return errorDetail.message || `error code ${errorDetail.code}`;
}
