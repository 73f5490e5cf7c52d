// A throw-away State-of-the-World ADS responder for the grpc-go smoke test, independent of
// mini-istiod's server: it proves the grpc-go client harness works against any correct xDS server.
// It answers a request when the stream is new for that type or the subscribed names change,
// ignores ACKs, records ACK/NACK per type, and `set()` pushes new resources to every stream.
// LDS/CDS responses carry every resource (a wildcard or named set); RDS/EDS the named ones.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import {
  DiscoveryRequestSchema,
  DiscoveryResponseSchema,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from '../../src/gen/envoy/service/discovery/v3/discovery_pb.js';

const METHOD = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';

export interface NamedResource {
  name: string;
  any: Any;
}

export interface AckRecord {
  nodeId: string;
  typeUrl: string;
  version: string;
  nack?: string;
}

interface Stream {
  call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>;
  nodeId: string;
  /** Subscribed names per type; an empty list is a wildcard. */
  names: Map<string, string[]>;
}

export class MinimalAds {
  private readonly server = new grpc.Server();
  private readonly resources = new Map<string, NamedResource[]>();
  private readonly streams = new Set<Stream>();
  private version = 0;
  private nonce = 0;
  /** Every ACK and NACK received, in order. */
  readonly acks: AckRecord[] = [];
  port = 0;

  constructor() {
    const definition: grpc.ServiceDefinition = {
      StreamAggregatedResources: {
        path: METHOD,
        requestStream: true,
        responseStream: true,
        requestSerialize: (m: DiscoveryRequest) => Buffer.from(toBinary(DiscoveryRequestSchema, m)),
        requestDeserialize: (b: Buffer) => fromBinary(DiscoveryRequestSchema, b),
        responseSerialize: (m: DiscoveryResponse) =>
          Buffer.from(toBinary(DiscoveryResponseSchema, m)),
        responseDeserialize: (b: Buffer) => fromBinary(DiscoveryResponseSchema, b),
      },
    };
    this.server.addService(definition, {
      StreamAggregatedResources: (call: Stream['call']) => this.onStream(call),
    });
  }

  async start(host = '127.0.0.1'): Promise<string> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    return `${host}:${this.port}`;
  }

  get currentVersion(): string {
    return String(this.version);
  }

  /** Replaces the resources of the given types and pushes them to every subscribed stream. */
  set(byType: Record<string, NamedResource[]>): string {
    this.version++;
    for (const [typeUrl, list] of Object.entries(byType)) this.resources.set(typeUrl, list);
    for (const s of this.streams) {
      for (const typeUrl of Object.keys(byType)) {
        if (s.names.has(typeUrl)) this.respond(s, typeUrl);
      }
    }
    return this.currentVersion;
  }

  /** Resolves once `nodeId` ACKed `version` (or later) of `typeUrl`; rejects on timeout. */
  async waitForAck(typeUrl: string, version: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.acks.some((a) => a.typeUrl === typeUrl && !a.nack && +a.version >= +version)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ACK of ${typeUrl} v${version}; seen ${JSON.stringify(this.acks)}`);
  }

  async stop(): Promise<void> {
    for (const s of this.streams) s.call.end();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private onStream(call: Stream['call']): void {
    const s: Stream = { call, nodeId: '', names: new Map() };
    this.streams.add(s);
    call.on('data', (req: DiscoveryRequest) => this.onRequest(s, req));
    call.on('error', () => this.streams.delete(s));
    call.on('end', () => {
      this.streams.delete(s);
      call.end();
    });
  }

  private onRequest(s: Stream, req: DiscoveryRequest): void {
    if (req.node?.id) s.nodeId = req.node.id;
    if (req.responseNonce) {
      this.acks.push({
        nodeId: s.nodeId,
        typeUrl: req.typeUrl,
        version: req.versionInfo,
        nack: req.errorDetail ? req.errorDetail.message : undefined,
      });
    }
    const before = s.names.get(req.typeUrl);
    const names = [...req.resourceNames].sort();
    s.names.set(req.typeUrl, names);
    const changed = before === undefined || before.join('\n') !== names.join('\n');
    if (!req.responseNonce || changed) this.respond(s, req.typeUrl);
  }

  private respond(s: Stream, typeUrl: string): void {
    const names = s.names.get(typeUrl) ?? [];
    const all = this.resources.get(typeUrl) ?? [];
    const picked = names.length === 0 ? all : all.filter((r) => names.includes(r.name));
    s.call.write(
      create(DiscoveryResponseSchema, {
        versionInfo: this.currentVersion,
        typeUrl,
        nonce: String(++this.nonce),
        resources: picked.map((r) => r.any),
      }),
    );
  }
}
