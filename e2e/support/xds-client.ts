// Proxyless gRPC clients (the data plane under test): @grpc/grpc-js-xds channels dialing
// `xds:///<host>:<port>`, each with its own bootstrap passed through the per-channel test option,
// so every client is a separate "pod" with its own node id, ADS stream and metadata, as
// istio-agent would bootstrap it (GENERATOR=grpc, NAMESPACE, LABELS). Calls are tallied per
// answering workload version and per status code.
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { performance } from 'node:perf_hooks';
import { decodeJson, WHO_METHOD, type Identity } from './workloads.js';

/** grpc-js-xds reads a bootstrap given as a JSON string in this channel option. */
const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';

let registered = false;
function registerXdsResolver(): void {
  if (registered) return;
  grpcXds.register();
  registered = true;
}

export interface ClientIdentity {
  /** Pod name, e.g. `productpage-v1-xyz`. */
  podName: string;
  namespace: string;
  ip: string;
  labels: Record<string, string>;
}

/** Istio's node id: `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`. */
export function nodeIdOf(id: ClientIdentity): string {
  return `sidecar~${id.ip}~${id.podName}.${id.namespace}~${id.namespace}.svc.cluster.local`;
}

/** The bootstrap istio-agent writes for proxyless gRPC, pointed at `xdsAddress`. */
export function grpcBootstrap(xdsAddress: string, id: ClientIdentity): Record<string, unknown> {
  return {
    xds_servers: [
      {
        server_uri: xdsAddress,
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    node: {
      id: nodeIdOf(id),
      // grpc-js-xds refuses a node without a locality.
      locality: {},
      metadata: {
        GENERATOR: 'grpc',
        NAMESPACE: id.namespace,
        NAME: id.podName,
        INSTANCE_IPS: id.ip,
        LABELS: id.labels,
      },
    },
    server_listener_resource_name_template: 'xds.istio.io/grpc/lds/inbound/%s',
  };
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Per-call deadline in ms (default 5 s). */
  deadlineMs?: number;
}

export interface CallResult {
  code: grpc.status;
  details: string;
  /** The answering workload's version label, when the call succeeded. */
  version?: string;
  workload?: string;
  ms: number;
}

/** Counts of a batch of calls. */
export class Tally {
  readonly byVersion = new Map<string, number>();
  readonly byWorkload = new Map<string, number>();
  readonly byCode = new Map<string, number>();
  total = 0;

  add(r: CallResult): void {
    this.total++;
    const code = grpc.status[r.code] ?? String(r.code);
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
    if (r.version !== undefined) {
      this.byVersion.set(r.version, (this.byVersion.get(r.version) ?? 0) + 1);
    }
    if (r.workload !== undefined) {
      this.byWorkload.set(r.workload, (this.byWorkload.get(r.workload) ?? 0) + 1);
    }
  }

  count(code: keyof typeof grpc.status): number {
    return this.byCode.get(code) ?? 0;
  }

  get failures(): number {
    return this.total - this.count('OK');
  }

  /** Share (0..1) of all calls answered by `version`. */
  share(version: string): number {
    return this.total === 0 ? 0 : (this.byVersion.get(version) ?? 0) / this.total;
  }

  toJSON(): Record<string, unknown> {
    return {
      total: this.total,
      byVersion: Object.fromEntries(this.byVersion),
      byCode: Object.fromEntries(this.byCode),
    };
  }
}

export class MeshClient {
  readonly nodeId: string;
  private readonly client: grpc.Client;

  constructor(
    xdsAddress: string,
    readonly identity: ClientIdentity,
    readonly target: string,
  ) {
    registerXdsResolver();
    this.nodeId = nodeIdOf(identity);
    this.client = new grpc.Client(target, grpc.credentials.createInsecure(), {
      [BOOTSTRAP_OPTION]: JSON.stringify(grpcBootstrap(xdsAddress, identity)),
    });
  }

  call(opts: CallOptions = {}): Promise<CallResult> {
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(opts.headers ?? {})) metadata.set(k, v);
    const started = performance.now();
    const deadline = new Date(Date.now() + (opts.deadlineMs ?? 5000));
    return new Promise((resolve) => {
      this.client.makeUnaryRequest<Buffer, Identity>(
        WHO_METHOD,
        (b) => b,
        (b) => decodeJson(b) as Identity,
        Buffer.alloc(0),
        metadata,
        { deadline },
        (err, value) => {
          const ms = performance.now() - started;
          if (err) resolve({ code: err.code, details: err.details, ms });
          else {
            resolve({
              code: grpc.status.OK,
              details: '',
              version: value?.version,
              workload: value?.workload,
              ms,
            });
          }
        },
      );
    });
  }

  /** `n` calls with at most `concurrency` in flight. */
  async run(n: number, opts: CallOptions & { concurrency?: number } = {}): Promise<Tally> {
    const tally = new Tally();
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        tally.add(await this.call(opts));
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 20, n) }, worker));
    return tally;
  }

  close(): void {
    this.client.close();
  }
}
