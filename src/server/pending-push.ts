// What the debouncer accumulates between two pushes (the config changes since the last one),
// and what that lets the next push skip (push-path.ts PushWork).
import type { ConfigKey } from '../model/config.js';
import { isEndpointOnly, type StoreChange } from '../model/config-store.js';
import type { PushContext } from '../model/push-context.js';
import { ConfigChanges } from './config-dependencies.js';
import type { PushGeneration } from './connected-proxy.js';
import { endpointDelta } from './endpoint-delta.js';
import type { PushWork } from './push-path.js';
import { SecurityChanges } from './security-changes.js';

export interface PendingPush {
  /** Every change since the last push moved endpoints only (the EDS fast path may apply). */
  endpointOnly: boolean;
  /** Kinds whose change triggered the push. */
  reasons: Set<string>;
  /** Changed config keys. */
  keys: Set<ConfigKey>;
}

export function pendingPushOf(change: StoreChange): PendingPush {
  return {
    endpointOnly: isEndpointOnly(change),
    reasons: new Set(change.changedKinds),
    keys: new Set(change.changedKeys),
  };
}

/** Merges a newer pending push into an older one: one push then covers both. */
export function mergePendingPushes(a: PendingPush, b: PendingPush): PendingPush {
  return {
    endpointOnly: a.endpointOnly && b.endpointOnly,
    reasons: new Set([...a.reasons, ...b.reasons]),
    keys: new Set([...a.keys, ...b.keys]),
  };
}

/** The work of the push from `previous` to `target` that covers `pending`. */
export function pushWorkFor(
  pending: PendingPush,
  previous: PushContext,
  target: PushGeneration,
): PushWork {
  const { push } = target;
  if (pending.endpointOnly) {
    return { previous, target, delta: endpointDelta(previous, push, pending.keys) };
  }
  return {
    previous,
    target,
    changes: ConfigChanges.of(pending.keys, previous, push),
    security: SecurityChanges.of(pending.keys, previous, push),
  };
}
