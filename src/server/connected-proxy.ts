// What the server keeps per connected proxy, and the push generation a proxy is brought to.
import type { Node } from '../gen/envoy/config/core/v3/base_pb.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { ResourceInterner } from './proxy-snapshot.js';
import { TypeMapInterner } from './type-map-interner.js';

// Memory: a connected proxy keeps only its snapshot (encoded resources, shared with every proxy
// that receives the same ones) in the cache, never its translated message objects: those of the
// per-proxy parts (virtualInbound listener, inbound clusters) cost ~100 KB each, i.e. hundreds
// of MB at 2,000 proxies. config_dump re-translates on demand; the fast paths read the snapshot.
export interface ConnectedProxy {
  proxy: Proxy;
  node: Node;
  streams: number;
  /** The push context the proxy's snapshot was translated with. */
  push?: PushContext;
  /**
   * Sidecars (routing fast path): route config names their non-outbound listeners reference,
   * which a VirtualService-only patch keeps (routing-delta.ts routingPatch).
   */
  localRoutes?: readonly string[];
  /**
   * Sidecars: their listeners besides the shared outbound ones are virtualOutbound and
   * virtualInbound only (a PeerAuthentication / AuthorizationPolicy patch then replaces
   * virtualInbound alone).
   */
  onlyVirtualListeners?: boolean;
  /** Sequence number of that push (lower = staler; stale proxies are pushed first). */
  pushSeq: number;
}

/**
 * One push context with its sequence number, the interner counting the resources encoded for it
 * and the one sharing equal per-type maps between its proxies' snapshots. Replaced as a whole on
 * every rebuild; proxies connecting between two pushes are translated with (and counted
 * against) the current one.
 */
export interface PushGeneration {
  readonly push: PushContext;
  readonly seq: number;
  readonly interner: ResourceInterner;
  readonly typeMaps: TypeMapInterner;
}

/** The generation of a newly built push context (with its own, empty interners). */
export function pushGeneration(push: PushContext, seq: number): PushGeneration {
  return { push, seq, interner: new ResourceInterner(), typeMaps: new TypeMapInterner() };
}

/** The node metadata proxy identity is parsed from (absent metadata: none). */
export function nodeMetadata(node: Node): Record<string, unknown> {
  return (node.metadata ?? {}) as Record<string, unknown>;
}
