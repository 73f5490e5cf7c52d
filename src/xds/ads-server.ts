// The gRPC AggregatedDiscoveryService (SotW and Delta) over @grpc/grpc-js. Responses are written
// as pre-assembled bytes (see codec.ts), requests decoded with the generated codecs. The server
// knows nothing about Istio: `onStreamOpen` maps a client's Node to the snapshot-cache key, and
// may build that node's snapshot lazily.
import * as grpc from '@grpc/grpc-js';
import type { Node } from '../gen/envoy/config/core/v3/base_pb.js';
import type {
  DeltaDiscoveryRequest,
  DiscoveryRequest,
} from '../gen/envoy/service/discovery/v3/discovery_pb.js';
import { decodeDeltaDiscoveryRequest, decodeDiscoveryRequest } from './codec.js';
import { DeltaStream } from './delta-stream.js';
import { releaseDecodedChunks } from './grpc-chunk-release.js';
import type { Snapshot, SnapshotCache } from './snapshot-cache.js';
import { SotwStream } from './sotw-stream.js';
import { XdsStatus, type ConnectionStatus, type XdsProtocol } from './status.js';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';
const MiB = 1024 * 1024;

export interface StreamInfo {
  connectionId: string;
  nodeId: string;
  node: Node;
  protocol: XdsProtocol;
  peer: string;
}

export interface AdsServerOptions {
  cache: SnapshotCache;
  /**
   * Called on a stream's first request (the only one guaranteed to carry the node). Returns the
   * cache key for that proxy, and may first build its snapshot. A rejection ends the stream.
   */
  onStreamOpen?: (
    node: Node,
    info: { peer: string; protocol: XdsProtocol },
  ) => string | Promise<string>;
  onStreamClose?: (info: StreamInfo) => void;
  status?: XdsStatus;
  /** Sent as DiscoveryResponse.control_plane.identifier. */
  controlPlaneId?: string;
  /** See SotwStreamOptions.resumeOnMatchingVersion. */
  resumeSotwOnMatchingVersion?: boolean;
  /** Extra grpc-js server options, merged over the defaults below. */
  grpcOptions?: grpc.ServerOptions;
}

/**
 * Defaults for thousands of long-lived streams: keepalive pings detect dead proxies, large
 * requests (a NACK can echo a big config) are accepted, and HTTP/2 sessions may buffer a large
 * push without being refused. Channelz is off: nothing reads it, and it costs ~1 KB of trackers
 * per connection plus per-message counters and timestamps. No other grpc-js server option
 * lowers per-connection memory (nghttp2 keeps ~22 KB per idle session; HTTP/2 settings such as
 * the header table size are not passed through by grpc-js).
 */
export const DEFAULT_GRPC_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': 64 * MiB,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc-node.max_session_memory': 256,
  'grpc.enable_channelz': 0,
};

type Call<Req> = grpc.ServerDuplexStream<Req, Uint8Array>;

interface Protocol<Req> {
  name: XdsProtocol;
  nodeOf(req: Req): Node | undefined;
  /** The request's type and the (mutable) list of names it subscribes to. */
  namesOf(req: Req): { typeUrl: string; names: string[] };
  open(sink: import('./stream-common.js').StreamSink): {
    setInitialSnapshot: SotwStream['setInitialSnapshot'];
    onSnapshot: SotwStream['onSnapshot'];
    handleRequest(req: Req): void;
  };
}

/**
 * Replaces each requested name by the identical string the node's snapshot already holds, so the
 * per-stream subscription state (2,000 streams × hundreds of EDS names) shares one copy of every
 * name instead of keeping the freshly decoded strings of each request.
 */
function internNames(names: string[], typeUrl: string, snapshot: Snapshot | undefined): void {
  const all = snapshot?.get(typeUrl);
  if (!all) return;
  for (let i = 0; i < names.length; i++) {
    const known = all.get(names[i]);
    if (known) names[i] = known.name;
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function bidi<Req>(
  method: string,
  decode: (b: Uint8Array) => Req,
): grpc.MethodDefinition<Req, Uint8Array> {
  return {
    path: `${SERVICE}/${method}`,
    requestStream: true,
    responseStream: true,
    requestSerialize: () => {
      throw new Error('the ADS server never serializes requests');
    },
    requestDeserialize: (b: Buffer) => decode(b),
    responseSerialize: toBuffer,
    responseDeserialize: (b: Buffer) => new Uint8Array(b),
  };
}

export const ADS_SERVICE_DEFINITION = {
  StreamAggregatedResources: bidi('StreamAggregatedResources', decodeDiscoveryRequest),
  DeltaAggregatedResources: bidi('DeltaAggregatedResources', decodeDeltaDiscoveryRequest),
} satisfies grpc.ServiceDefinition;

export class AdsServer {
  readonly status: XdsStatus;
  private readonly server: grpc.Server;
  private readonly calls = new Set<Call<unknown>>();
  private nonceCounter = 0;
  private connectionCounter = 0;
  private closing = false;

  constructor(private readonly options: AdsServerOptions) {
    releaseDecodedChunks();
    this.status = options.status ?? new XdsStatus();
    this.server = new grpc.Server({ ...DEFAULT_GRPC_OPTIONS, ...options.grpcOptions });
    const sotw: Protocol<DiscoveryRequest> = {
      name: 'sotw',
      nodeOf: (req) => req.node,
      namesOf: (req) => ({ typeUrl: req.typeUrl, names: req.resourceNames }),
      open: (sink) =>
        new SotwStream(sink, { resumeOnMatchingVersion: options.resumeSotwOnMatchingVersion }),
    };
    const delta: Protocol<DeltaDiscoveryRequest> = {
      name: 'delta',
      nodeOf: (req) => req.node,
      namesOf: (req) => ({ typeUrl: req.typeUrl, names: req.resourceNamesSubscribe }),
      open: (sink) => new DeltaStream(sink),
    };
    this.server.addService(ADS_SERVICE_DEFINITION, {
      StreamAggregatedResources: (call: Call<DiscoveryRequest>) => this.serve(call, sotw),
      DeltaAggregatedResources: (call: Call<DeltaDiscoveryRequest>) => this.serve(call, delta),
    });
  }

  /** Binds plaintext gRPC; resolves with the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(
        `${host}:${port}`,
        grpc.ServerCredentials.createInsecure(),
        (err, bound) => (err ? reject(err) : resolve(bound)),
      );
    });
  }

  get activeStreams(): number {
    return this.calls.size;
  }

  /**
   * Ends every stream with OK after its queued responses (no lost writes), then stops the server;
   * connections still open after `graceMs` are cut.
   */
  async shutdown(graceMs = 5000): Promise<void> {
    this.closing = true;
    for (const call of this.calls) call.end();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private serve<Req>(call: Call<Req>, protocol: Protocol<Req>): void {
    if (this.closing) {
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'server is shutting down' });
      return;
    }
    const peer = call.getPeer();
    const connectionId = `${protocol.name}-${++this.connectionCounter}`;
    this.calls.add(call as Call<unknown>);
    let stream: ReturnType<Protocol<Req>['open']> | undefined;
    let opening = false;
    let closed = false;
    let conn: ConnectionStatus | undefined;
    let info: StreamInfo | undefined;
    let unwatch: (() => void) | undefined;
    const queued: Req[] = [];

    const cleanup = (): void => {
      if (closed) return;
      closed = true;
      this.calls.delete(call as Call<unknown>);
      unwatch?.();
      if (conn) this.status.close(conn.connectionId);
      if (info) this.options.onStreamClose?.(info);
    };
    const fail = (code: grpc.status, details: string): void => {
      if (closed) return;
      call.emit('error', { code, details });
      cleanup();
    };

    const start = async (node: Node): Promise<void> => {
      const nodeId = this.options.onStreamOpen
        ? await this.options.onStreamOpen(node, { peer, protocol: protocol.name })
        : node.id;
      if (closed) return;
      conn = this.status.open(connectionId, nodeId, protocol.name, peer);
      info = { connectionId, nodeId, node, protocol: protocol.name, peer };
      const opened = protocol.open({
        write: (bytes) => {
          if (!closed && call.writable) call.write(bytes);
        },
        nextNonce: () => String(++this.nonceCounter),
        status: this.status,
        conn,
        controlPlaneId: this.options.controlPlaneId,
      });
      opened.setInitialSnapshot(this.options.cache.getSnapshot(nodeId));
      unwatch = this.options.cache.watch(nodeId, (change) => opened.onSnapshot(change));
      stream = opened;
      for (const req of queued.splice(0)) handle(opened, req);
    };
    const handle = (opened: NonNullable<typeof stream>, req: Req): void => {
      const { typeUrl, names } = protocol.namesOf(req);
      if (info) internNames(names, typeUrl, this.options.cache.getSnapshot(info.nodeId));
      opened.handleRequest(req);
    };

    call.on('data', (req: Req) => {
      if (closed) return;
      if (stream) {
        handle(stream, req);
        return;
      }
      queued.push(req);
      if (opening) return;
      const node = protocol.nodeOf(req);
      if (!node || !node.id) {
        fail(grpc.status.INVALID_ARGUMENT, 'the first request of a stream must carry node.id');
        return;
      }
      opening = true;
      start(node).catch((err: unknown) =>
        fail(
          grpc.status.INTERNAL,
          `stream setup failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    });
    call.on('end', () => {
      cleanup();
      call.end();
    });
    call.on('error', cleanup);
    call.on('cancelled', cleanup);
    call.on('close', cleanup);
  }
}
