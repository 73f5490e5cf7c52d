// Starts grpc-go's xDS interop server (google.golang.org/grpc/interop/xds/server) as a workload:
// a plaintext grpc.testing.TestService that reports `hostname` in every response, which is what
// the interop client counts RPCs by. One process per "pod"; give each a distinct hostname.
//
// Constraint: the binary listens on `:port` (every IPv4 interface) and cannot bind one loopback
// IP, so two of them can never share a port. Pods that share a port and differ only by IP
// (127.0.0.11:9080, 127.0.0.12:9080) need a workload that binds one address; with interop
// servers give each pod its own port and put `ip:port` in the endpoints.
import { grpcGoBinary } from './grpc-go-binaries.js';
import { freePort, startProcess, waitForPort, type ManagedProcess } from './grpc-go-process.js';

export interface GrpcGoServerOptions {
  /** Reported to clients as the peer (e.g. `reviews-v1`). */
  hostname: string;
  /** Returned as SimpleResponse.server_id; defaults to the hostname. */
  serverId?: string;
  /** Defaults to a free port. */
  port?: number;
  /** The loopback IP that endpoints should use to reach it (any 127.0.0.x works). */
  ip?: string;
}

export interface GrpcGoServer {
  readonly hostname: string;
  readonly ip: string;
  readonly port: number;
  /** `ip:port`, for a ClusterLoadAssignment or an Endpoints object. */
  readonly address: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startGrpcGoServer(o: GrpcGoServerOptions): Promise<GrpcGoServer> {
  const bin = grpcGoBinary('grpc-go-xds-server');
  const port = o.port ?? (await freePort());
  const ip = o.ip ?? '127.0.0.1';
  const args = [
    `--port=${port}`,
    `--server_id=${o.serverId ?? o.hostname}`,
    `--host_name_override=${o.hostname}`,
  ];
  const proc = startProcess(`grpc-go-xds-server(${o.hostname})`, bin, args);
  try {
    await waitForPort(proc, ip, port);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    hostname: o.hostname,
    ip,
    port,
    address: `${ip}:${port}`,
    process: proc,
    stop: () => proc.stop(),
  };
}

/** Starts several servers at once; if one fails, the others are stopped before rethrowing. */
export async function startGrpcGoServers(all: GrpcGoServerOptions[]): Promise<GrpcGoServer[]> {
  const results = await Promise.allSettled(all.map((o) => startGrpcGoServer(o)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(
      results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : Promise.resolve())),
    );
    throw failed.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<GrpcGoServer>).value);
}
