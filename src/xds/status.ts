// What the server knows about each connected proxy: the data behind proxy-status (what was sent,
// what was ACKed, the last NACK and its error) and counters for a later /metrics endpoint.
import { EventEmitter } from 'node:events';
import { sortedNames } from './name-sets.js';
import type { ResourceView } from './resource-view.js';

export type XdsProtocol = 'sotw' | 'delta';

export interface SentInfo {
  version: string;
  nonce: string;
  time: Date;
  resourceCount: number;
  bytes: number;
}

export interface AckInfo {
  version: string;
  nonce: string;
  time: Date;
}

/**
 * `version` is what the client says it still runs (SotW `version_info`) or, for Delta, which has
 * no such field, the system version of the rejected response; `nonce` names the rejected one.
 */
export interface NackInfo extends AckInfo {
  message: string;
}

export interface TypeStatus {
  typeUrl: string;
  wildcard: boolean;
  /**
   * Explicitly subscribed names, sorted. Shared between streams with the same subscription
   * (name-sets.ts) and replaced, never mutated, when the subscription changes: readers may keep
   * a reference as a record of the subscription at that time.
   */
  names: readonly string[];
  lastSent?: SentInfo;
  lastAck?: AckInfo;
  lastNack?: NackInfo;
  /**
   * The resources (name → version) the last response covered: the snapshot's map for the type
   * and the subscription at the time, held by reference (resource-view.ts). A stream may swap it
   * for an equal view on a newer map (`rebased`) so superseded snapshots are not kept alive.
   */
  sentView?: ResourceView;
  /** `sentView` of the last response the client ACKed: what it runs. */
  ackedView?: ResourceView;
}

export interface ConnectionStatus {
  connectionId: string;
  nodeId: string;
  protocol: XdsProtocol;
  peer: string;
  connectedAt: Date;
  types: Map<string, TypeStatus>;
}

export interface XdsCounters {
  streamsOpened: number;
  streamsClosed: number;
  pushes: number;
  pushesByType: Record<string, number>;
  nacks: number;
  nacksByType: Record<string, number>;
  bytesSent: number;
}

export interface XdsStatusEvents {
  open: [ConnectionStatus];
  close: [ConnectionStatus];
  sent: [ConnectionStatus, TypeStatus];
  ack: [ConnectionStatus, TypeStatus];
  nack: [ConnectionStatus, TypeStatus];
}

/**
 * Registry of live connections. NACKs are also kept per node and type beyond the connection's
 * life, since a proxy that rejected config and reconnected is still worth reporting.
 */
export class XdsStatus extends EventEmitter<XdsStatusEvents> {
  private readonly connections = new Map<string, ConnectionStatus>();
  private readonly nodeNacks = new Map<string, Map<string, NackInfo>>();
  readonly counters: XdsCounters = {
    streamsOpened: 0,
    streamsClosed: 0,
    pushes: 0,
    pushesByType: {},
    nacks: 0,
    nacksByType: {},
    bytesSent: 0,
  };

  open(
    connectionId: string,
    nodeId: string,
    protocol: XdsProtocol,
    peer: string,
  ): ConnectionStatus {
    const conn: ConnectionStatus = {
      connectionId,
      nodeId,
      protocol,
      peer,
      connectedAt: new Date(),
      types: new Map(),
    };
    this.connections.set(connectionId, conn);
    this.counters.streamsOpened++;
    this.emit('open', conn);
    return conn;
  }

  close(connectionId: string): void {
    const conn = this.connections.get(connectionId);
    if (!conn) return;
    this.connections.delete(connectionId);
    this.counters.streamsClosed++;
    this.emit('close', conn);
  }

  get activeStreams(): number {
    return this.connections.size;
  }

  list(): ConnectionStatus[] {
    return [...this.connections.values()];
  }

  byNode(nodeId: string): ConnectionStatus[] {
    return this.list().filter((c) => c.nodeId === nodeId);
  }

  /** The last NACK per type of a node, whether or not it is still connected. */
  lastNacks(nodeId: string): ReadonlyMap<string, NackInfo> {
    return this.nodeNacks.get(nodeId) ?? new Map();
  }

  typeStatus(conn: ConnectionStatus, typeUrl: string): TypeStatus {
    let t = conn.types.get(typeUrl);
    if (!t) conn.types.set(typeUrl, (t = { typeUrl, wildcard: false, names: [] }));
    return t;
  }

  subscribed(
    conn: ConnectionStatus,
    typeUrl: string,
    wildcard: boolean,
    names: Iterable<string>,
  ): void {
    const t = this.typeStatus(conn, typeUrl);
    t.wildcard = wildcard;
    t.names = sortedNames(names);
  }

  sent(
    conn: ConnectionStatus,
    typeUrl: string,
    info: Omit<SentInfo, 'time'>,
    view: ResourceView,
  ): void {
    const t = this.typeStatus(conn, typeUrl);
    t.lastSent = { ...info, time: new Date() };
    t.sentView = view;
    this.counters.pushes++;
    this.counters.pushesByType[typeUrl] = (this.counters.pushesByType[typeUrl] ?? 0) + 1;
    this.counters.bytesSent += info.bytes;
    this.emit('sent', conn, t);
  }

  acked(conn: ConnectionStatus, typeUrl: string, version: string, nonce: string): void {
    const t = this.typeStatus(conn, typeUrl);
    t.lastAck = { version, nonce, time: new Date() };
    if (t.lastSent?.nonce === nonce) t.ackedView = t.sentView;
    this.emit('ack', conn, t);
  }

  /**
   * A stream replaced the view it sent by `to`, which holds the same names and versions on a
   * newer snapshot map; references to `from` follow (an older ACKed view is left alone).
   */
  rebased(conn: ConnectionStatus, typeUrl: string, from: ResourceView, to: ResourceView): void {
    const t = conn.types.get(typeUrl);
    if (t?.sentView === from) t.sentView = to;
    if (t?.ackedView === from) t.ackedView = to;
  }

  nacked(
    conn: ConnectionStatus,
    typeUrl: string,
    version: string,
    nonce: string,
    message: string,
  ): void {
    const t = this.typeStatus(conn, typeUrl);
    t.lastNack = { version, nonce, message, time: new Date() };
    let perType = this.nodeNacks.get(conn.nodeId);
    if (!perType) this.nodeNacks.set(conn.nodeId, (perType = new Map()));
    perType.set(typeUrl, t.lastNack);
    this.counters.nacks++;
    this.counters.nacksByType[typeUrl] = (this.counters.nacksByType[typeUrl] ?? 0) + 1;
    this.emit('nack', conn, t);
  }
}
