// A grpc-js workload that speaks the grpc-go interop TestService (UnaryCall, EmptyCall) and reports
// its hostname the way the interop server does (a `hostname` response header, and
// SimpleResponse.hostname), so the grpc-go interop client counts it as a peer. Unlike the Go
// interop server it binds ONE address, so several "pods" can share a port on distinct loopback
// IPs (127.0.0.11:9080, 127.0.0.12:9080), as Kubernetes Endpoints describe them.
import * as grpc from '@grpc/grpc-js';
import { interopServices } from './grpc-go-interop-protos.js';

export interface InteropTestServiceOptions {
  hostname: string;
  ip: string;
  /** 0 picks a free port. */
  port: number;
}

export interface InteropTestService {
  readonly hostname: string;
  readonly ip: string;
  readonly port: number;
  readonly address: string;
  /** RPCs answered so far. */
  calls(): number;
  stop(): Promise<void>;
}

export async function startInteropTestService(
  o: InteropTestServiceOptions,
): Promise<InteropTestService> {
  const server = new grpc.Server();
  let calls = 0;
  const header = (): grpc.Metadata => {
    const md = new grpc.Metadata();
    md.set('hostname', o.hostname);
    return md;
  };
  const handlers: grpc.UntypedServiceImplementation = {
    UnaryCall: (
      call: grpc.ServerUnaryCall<unknown, unknown>,
      done: grpc.sendUnaryData<unknown>,
    ) => {
      calls++;
      call.sendMetadata(header());
      done(null, { server_id: o.hostname, hostname: o.hostname });
    },
    EmptyCall: (
      call: grpc.ServerUnaryCall<unknown, unknown>,
      done: grpc.sendUnaryData<unknown>,
    ) => {
      calls++;
      call.sendMetadata(header());
      done(null, {});
    },
  };
  server.addService(interopServices().TestService.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${o.ip}:${o.port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    hostname: o.hostname,
    ip: o.ip,
    port,
    address: `${o.ip}:${port}`,
    calls: () => calls,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
