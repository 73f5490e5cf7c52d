// A fake ADS client that speaks like Envoy over a real gRPC connection: node on the first request
// only, explicit ACK/NACK, per-type response queues. Used to assert protocol invariants.
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { NodeSchema } from '../../gen/envoy/config/core/v3/base_pb.js';
import {
  DeltaDiscoveryRequestSchema,
  DeltaDiscoveryResponseSchema,
  DiscoveryRequestSchema,
  DiscoveryResponseSchema,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from '../../gen/envoy/service/discovery/v3/discovery_pb.js';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

type Received<Res> = { message: Res; bytes: Uint8Array; at: number };

class ResponseQueues<Res extends { typeUrl: string }> {
  readonly all: Received<Res>[] = [];
  private readonly queues = new Map<string, Received<Res>[]>();
  private readonly waiters: { typeUrl: string; resolve: () => void }[] = [];
  ended = false;
  endStatus: grpc.StatusObject | undefined;
  error: Error | undefined;

  push(r: Received<Res>): void {
    this.all.push(r);
    const q = this.queues.get(r.message.typeUrl) ?? [];
    q.push(r);
    this.queues.set(r.message.typeUrl, q);
    this.wake();
  }

  wake(): void {
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  /** The next unread response of that type, waiting up to `timeoutMs`. */
  async next(typeUrl: string, timeoutMs: number): Promise<Received<Res>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const q = this.queues.get(typeUrl);
      const r = q?.shift();
      if (r) return r;
      if (this.ended) throw new Error(`stream ended while waiting for ${typeUrl}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${typeUrl} response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push({
          typeUrl,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
  }

  /** Resolves true when no response of that type arrives within `ms`. */
  async none(typeUrl: string, ms: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return (this.queues.get(typeUrl)?.length ?? 0) === 0;
  }

  unread(typeUrl: string): number {
    return this.queues.get(typeUrl)?.length ?? 0;
  }
}

abstract class FakeClientBase<Req, Res extends { typeUrl: string }> {
  protected readonly client: grpc.Client;
  protected readonly call: grpc.ClientDuplexStream<Req, Uint8Array>;
  readonly received = new ResponseQueues<Res>();
  protected nodeSent = false;
  readonly closed: Promise<grpc.StatusObject>;

  constructor(
    address: string,
    method: string,
    readonly nodeId: string,
  ) {
    // Like Envoy, accept large responses (grpc-js defaults to 4 MiB).
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
    });
    this.call = this.client.makeBidiStreamRequest<Req, Uint8Array>(
      `${SERVICE}/${method}`,
      (req) => Buffer.from(this.encode(req)),
      (b) => new Uint8Array(b),
    );
    this.call.on('data', (bytes: Uint8Array) =>
      this.received.push({ message: this.decode(bytes), bytes, at: Date.now() }),
    );
    this.closed = new Promise((resolve) => {
      this.call.on('status', (s: grpc.StatusObject) => {
        this.received.endStatus = s;
        resolve(s);
      });
    });
    this.call.on('error', (e: Error) => {
      this.received.error = e;
    });
    this.call.on('end', () => {
      this.received.ended = true;
      this.received.wake();
    });
  }

  protected abstract encode(req: Req): Uint8Array;
  protected abstract decode(bytes: Uint8Array): Res;

  next(typeUrl: string, timeoutMs = 3000): Promise<Received<Res>> {
    return this.received.next(typeUrl, timeoutMs);
  }

  async nextMessage(typeUrl: string, timeoutMs = 3000): Promise<Res> {
    return (await this.next(typeUrl, timeoutMs)).message;
  }

  none(typeUrl: string, ms = 300): Promise<boolean> {
    return this.received.none(typeUrl, ms);
  }

  /** Stops reading from the socket, like a stuck proxy: the server's writes pile up in buffers. */
  pause(): void {
    this.call.pause();
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }

  /** Half-closes the stream, as a proxy shutting down would. */
  end(): void {
    this.call.end();
  }
}

export class FakeSotwClient extends FakeClientBase<DiscoveryRequest, DiscoveryResponse> {
  constructor(address: string, nodeId: string) {
    super(address, 'StreamAggregatedResources', nodeId);
  }

  protected encode(req: DiscoveryRequest): Uint8Array {
    return toBinary(DiscoveryRequestSchema, req);
  }

  protected decode(bytes: Uint8Array): DiscoveryResponse {
    return fromBinary(DiscoveryResponseSchema, bytes);
  }

  /** Sends a request; the node only on the stream's first one (as Envoy does). */
  send(req: MessageInitShape<typeof DiscoveryRequestSchema>): void {
    const withNode = create(DiscoveryRequestSchema, req);
    if (!this.nodeSent) withNode.node = create(NodeSchema, { id: this.nodeId });
    this.nodeSent = true;
    this.call.write(withNode);
  }

  subscribe(typeUrl: string, names: string[] = [], versionInfo = ''): void {
    this.send({ typeUrl, resourceNames: names, versionInfo });
  }

  ack(res: DiscoveryResponse, names: string[] = []): void {
    this.send({
      typeUrl: res.typeUrl,
      versionInfo: res.versionInfo,
      responseNonce: res.nonce,
      resourceNames: names,
    });
  }

  nack(
    res: DiscoveryResponse,
    lastGoodVersion: string,
    message: string,
    names: string[] = [],
  ): void {
    this.send({
      typeUrl: res.typeUrl,
      versionInfo: lastGoodVersion,
      responseNonce: res.nonce,
      resourceNames: names,
      errorDetail: { code: 3, message },
    });
  }
}

export class FakeDeltaClient extends FakeClientBase<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {
  constructor(address: string, nodeId: string) {
    super(address, 'DeltaAggregatedResources', nodeId);
  }

  protected encode(req: DeltaDiscoveryRequest): Uint8Array {
    return toBinary(DeltaDiscoveryRequestSchema, req);
  }

  protected decode(bytes: Uint8Array): DeltaDiscoveryResponse {
    return fromBinary(DeltaDiscoveryResponseSchema, bytes);
  }

  send(req: MessageInitShape<typeof DeltaDiscoveryRequestSchema>): void {
    const withNode = create(DeltaDiscoveryRequestSchema, req);
    if (!this.nodeSent) withNode.node = create(NodeSchema, { id: this.nodeId });
    this.nodeSent = true;
    this.call.write(withNode);
  }

  ack(res: DeltaDiscoveryResponse): void {
    this.send({ typeUrl: res.typeUrl, responseNonce: res.nonce });
  }

  nack(res: DeltaDiscoveryResponse, message: string): void {
    this.send({
      typeUrl: res.typeUrl,
      responseNonce: res.nonce,
      errorDetail: { code: 3, message },
    });
  }
}
