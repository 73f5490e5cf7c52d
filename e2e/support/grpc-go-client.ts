// Drives grpc-go's xDS interop client (google.golang.org/grpc/interop/xds/client) as an
// independent proxyless data plane: writes its bootstrap, starts it against `xds:///<target>`,
// and reads the per-backend distribution of its RPCs from its LoadBalancerStatsService.
//
// The client sends `qps` RPCs per second per channel, forever, from start-up; GetClientStats(n)
// waits for the NEXT n RPCs and returns how many each backend answered, keyed by the hostname the
// backend reports (interop servers: --host_name_override), plus the number that failed.
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpcGoBinary } from './grpc-go-binaries.js';
import {
  grpcGoBootstrap,
  writeGrpcGoBootstrap,
  type GrpcGoBootstrapOptions,
} from './grpc-go-bootstrap.js';
import { interopServices } from './grpc-go-interop-protos.js';
import { freePort, startProcess, waitForPort, type ManagedProcess } from './grpc-go-process.js';

export type InteropRpc = 'UnaryCall' | 'EmptyCall';

export interface GrpcGoClientOptions extends GrpcGoBootstrapOptions {
  /** `host:port` the client resolves through xDS, e.g. `reviews.default.svc.cluster.local:9080`. */
  target: string;
  qps?: number;
  numChannels?: number;
  rpcs?: InteropRpc[];
  /** Request headers sent with every RPC (e.g. `{ 'end-user': 'jason' }`). */
  headers?: Record<string, string>;
  rpcTimeoutMs?: number;
  /** Extra environment (e.g. GRPC_GO_LOG_SEVERITY_LEVEL=info for debugging). */
  env?: NodeJS.ProcessEnv;
}

export interface LoadBalancerStats {
  /** Completed RPCs per backend hostname. */
  rpcsByPeer: Record<string, number>;
  /** RPCs that failed (no backend answered). */
  numFailures: number;
  rpcsByMethod: Record<string, Record<string, number>>;
}

/** `--metadata` syntax: `UnaryCall:k1:v1:k2:v2,EmptyCall:k1:v1`. */
export function metadataFlag(rpcs: readonly InteropRpc[], headers: Record<string, string>): string {
  const pairs = Object.entries(headers).flatMap(([k, v]) => {
    if (k.includes(':') || k.includes(',') || v.includes(':') || v.includes(',')) {
      throw new Error(`header ${k}: ${v} cannot be passed to the interop client (':' or ',')`);
    }
    return [k, v];
  });
  return pairs.length === 0 ? '' : rpcs.map((rpc) => [rpc, ...pairs].join(':')).join(',');
}

function counts(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out[k] = Number(v);
  }
  return out;
}

/** Narrows the proto-loader object (snake_case fields) to LoadBalancerStats. */
export function parseStats(raw: unknown): LoadBalancerStats {
  const r = (raw ?? {}) as Record<string, unknown>;
  const byMethod: Record<string, Record<string, number>> = {};
  const methods = r.rpcs_by_method;
  if (methods && typeof methods === 'object') {
    for (const [m, v] of Object.entries(methods)) {
      byMethod[m] = counts((v as Record<string, unknown> | null)?.rpcs_by_peer);
    }
  }
  return {
    rpcsByPeer: counts(r.rpcs_by_peer),
    numFailures: Number(r.num_failures ?? 0),
    rpcsByMethod: byMethod,
  };
}

/** Each peer's share of all RPCs counted (failures included in the total). */
export function shares(stats: LoadBalancerStats): Record<string, number> {
  const total = Object.values(stats.rpcsByPeer).reduce((a, b) => a + b, 0) + stats.numFailures;
  const out: Record<string, number> = {};
  for (const [peer, n] of Object.entries(stats.rpcsByPeer)) out[peer] = total ? n / total : 0;
  return out;
}

export class GrpcGoXdsClient {
  private readonly stub: grpc.Client;

  private constructor(
    readonly process: ManagedProcess,
    readonly statsPort: number,
    readonly bootstrapFile: string,
    private readonly workDir: string,
  ) {
    const Stats = interopServices().LoadBalancerStatsService;
    this.stub = new Stats(`127.0.0.1:${statsPort}`, grpc.credentials.createInsecure());
  }

  /** Starts the client and waits until its stats service listens (RPCs may still be failing). */
  static async start(o: GrpcGoClientOptions): Promise<GrpcGoXdsClient> {
    const bin = grpcGoBinary('grpc-go-xds-client');
    const workDir = mkdtempSync(join(tmpdir(), 'grpc-go-xds-client-'));
    const bootstrapFile = writeGrpcGoBootstrap(workDir, grpcGoBootstrap(o));
    const statsPort = await freePort();
    const rpcs = o.rpcs ?? ['UnaryCall'];
    const args = [
      `--server=xds:///${o.target}`,
      `--stats_port=${statsPort}`,
      `--qps=${o.qps ?? 100}`,
      `--num_channels=${o.numChannels ?? 1}`,
      `--rpc=${rpcs.join(',')}`,
      `--rpc_timeout=${o.rpcTimeoutMs ?? 5000}ms`,
    ];
    const metadata = metadataFlag(rpcs, o.headers ?? {});
    if (metadata) args.push(`--metadata=${metadata}`);
    const proc = startProcess(`grpc-go-xds-client(${o.target})`, bin, args, {
      ...process.env,
      ...o.env,
      GRPC_XDS_BOOTSTRAP: bootstrapFile,
    });
    try {
      await waitForPort(proc, '127.0.0.1', statsPort);
    } catch (err) {
      await proc.stop();
      rmSync(workDir, { recursive: true, force: true });
      throw err;
    }
    return new GrpcGoXdsClient(proc, statsPort, bootstrapFile, workDir);
  }

  /** Distribution of the next `numRpcs` RPCs, or of those done when `timeoutSec` runs out. */
  getClientStats(numRpcs: number, timeoutSec: number): Promise<LoadBalancerStats> {
    const method = interopServices().LoadBalancerStatsService.service.GetClientStats;
    if (!method) throw new Error('GetClientStats missing from the interop proto');
    const deadline = new Date(Date.now() + (timeoutSec + 5) * 1000);
    return new Promise((resolve, reject) => {
      this.stub.makeUnaryRequest<unknown, unknown>(
        method.path,
        (req) => method.requestSerialize(req),
        (buf) => method.responseDeserialize(buf),
        { num_rpcs: numRpcs, timeout_sec: timeoutSec },
        { deadline },
        (err, value) => {
          if (err) reject(new Error(`GetClientStats: ${err.message}\n${this.process.output()}`));
          else resolve(parseStats(value));
        },
      );
    });
  }

  /**
   * Polls the distribution (batches of `numRpcs`) until `accept` holds, e.g. until a pushed
   * config shows in traffic; returns the accepted stats, or throws with the last one seen.
   */
  async waitForStats(
    accept: (s: LoadBalancerStats) => boolean,
    opts: { numRpcs?: number; timeoutMs?: number } = {},
  ): Promise<LoadBalancerStats> {
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    let last: LoadBalancerStats | undefined;
    while (Date.now() < deadline) {
      last = await this.getClientStats(opts.numRpcs ?? 20, 5);
      if (accept(last)) return last;
    }
    throw new Error(
      `distribution not reached; last ${JSON.stringify(last)}\n${this.process.output()}`,
    );
  }

  async stop(): Promise<void> {
    this.stub.close();
    await this.process.stop();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
