// One simulated Envoy on its own ADS stream (and its own HTTP/2 connection). It subscribes like
// Envoy: wildcard CDS and LDS, then EDS for the EDS clusters received and RDS for the route
// names in the listeners, and ACKs every response at once (it never rejects config). It records
// when responses arrive so the driver can compute convergence.
import { create, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { NodeSchema } from '../../src/gen/envoy/config/core/v3/base_pb.js';
import {
  DeltaDiscoveryRequestSchema,
  DiscoveryRequestSchema,
} from '../../src/gen/envoy/service/discovery/v3/discovery_pb.js';
import type { XdsMode, SimulatedNode } from './protocol.js';
import { ProxyState, TYPE } from './proxy-state.js';
import { readDeltaResponse, readSotwResponse } from './xds-messages.js';

const SOTW_METHOD =
  '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';
const DELTA_METHOD =
  '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';

const identity = (b: Buffer): Buffer => b;
const toBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export interface ProxyStats {
  /** performance.now() of the last response received / ACK sent. */
  lastResponseAt: number;
  lastAckAt: number;
  responsesSinceMark: number;
  responsesByType: Map<string, number>;
  bytesReceived: number;
  largestResponse: number;
  nacks: number;
  streamErrors: number;
}

export function emptyStats(): ProxyStats {
  return {
    lastResponseAt: 0,
    lastAckAt: 0,
    responsesSinceMark: 0,
    responsesByType: new Map(),
    bytesReceived: 0,
    largestResponse: 0,
    nacks: 0,
    streamErrors: 0,
  };
}

export class SimulatedProxy {
  stats = emptyStats();
  private client: grpc.Client | undefined;
  private call: grpc.ClientDuplexStream<Uint8Array, Buffer> | undefined;
  private state = new ProxyState();
  private nodeSent = false;

  constructor(
    private readonly target: string,
    private readonly mode: XdsMode,
    private readonly node: SimulatedNode,
    private readonly onActivity: () => void,
  ) {}

  /** Whether every subscribed EDS/RDS name has been answered. */
  get complete(): boolean {
    return this.state.complete;
  }

  start(): void {
    // A channel option unique to this proxy gives it its own subchannel, i.e. its own connection.
    this.client = new grpc.Client(this.target, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
      'grpc.max_receive_message_length': -1,
    });
    this.state = new ProxyState();
    this.nodeSent = false;
    const method = this.mode === 'sotw' ? SOTW_METHOD : DELTA_METHOD;
    const call = this.client.makeBidiStreamRequest<Uint8Array, Buffer>(method, toBuffer, identity);
    this.call = call;
    call.on('data', (buf: Buffer) => this.onResponse(buf));
    call.on('error', () => {
      if (this.call === call) this.stats.streamErrors++;
    });
    call.on('end', () => undefined);
    this.request(TYPE.cluster);
    this.request(TYPE.listener);
  }

  stop(): void {
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.client?.close();
    this.client = undefined;
  }

  private nodeOnce() {
    if (this.nodeSent) return undefined;
    this.nodeSent = true;
    return create(NodeSchema, {
      id: this.node.id,
      cluster: 'bench',
      metadata: this.node.metadata as never,
    });
  }

  /** A SotW request for the type's current subscription (an ACK when a nonce is known). */
  private request(typeUrl: string): void {
    if (!this.call) return;
    const t = this.state.type(typeUrl);
    if (this.mode === 'sotw') {
      const msg = create(DiscoveryRequestSchema, {
        node: this.nodeOnce(),
        typeUrl,
        versionInfo: t.version,
        responseNonce: t.nonce,
        resourceNames: t.wildcard ? [] : [...t.subscribed],
      });
      this.call.write(toBinary(DiscoveryRequestSchema, msg));
    } else {
      const msg = create(DeltaDiscoveryRequestSchema, {
        node: this.nodeOnce(),
        typeUrl,
        responseNonce: t.nonce,
        resourceNamesSubscribe: t.wildcard || t.nonce ? [] : [...t.subscribed],
      });
      this.call.write(toBinary(DeltaDiscoveryRequestSchema, msg));
    }
  }

  private deltaSubscribe(typeUrl: string, add: string[], remove: string[]): void {
    if (!this.call || (add.length === 0 && remove.length === 0)) return;
    const msg = create(DeltaDiscoveryRequestSchema, {
      node: this.nodeOnce(),
      typeUrl,
      resourceNamesSubscribe: add,
      resourceNamesUnsubscribe: remove,
    });
    this.call.write(toBinary(DeltaDiscoveryRequestSchema, msg));
  }

  private onResponse(buf: Buffer): void {
    const now = performance.now();
    const s = this.stats;
    s.lastResponseAt = now;
    s.responsesSinceMark++;
    s.bytesReceived += buf.length;
    if (buf.length > s.largestResponse) s.largestResponse = buf.length;
    if (this.mode === 'sotw') {
      const r = readSotwResponse(buf);
      s.responsesByType.set(r.typeUrl, (s.responsesByType.get(r.typeUrl) ?? 0) + 1);
      const changes = this.state.applySotw(r);
      // Like Envoy: ask for newly needed EDS/RDS names before ACKing the response naming them.
      for (const [typeUrl] of changes) this.request(typeUrl);
      this.request(r.typeUrl);
    } else {
      const r = readDeltaResponse(buf);
      s.responsesByType.set(r.typeUrl, (s.responsesByType.get(r.typeUrl) ?? 0) + 1);
      const changes = this.state.applyDelta(r);
      for (const [typeUrl, c] of changes) this.deltaSubscribe(typeUrl, c.added, c.removed);
      this.request(r.typeUrl);
    }
    s.lastAckAt = performance.now();
    this.onActivity();
  }
}
