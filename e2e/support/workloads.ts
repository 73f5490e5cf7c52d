// Real gRPC workload servers, one per "pod", each on its own loopback IP (127.0.0.11, ...) and
// the same port, answering one proto-less unary method with their identity as JSON. Each can be
// told to fail a fraction of calls (with a chosen status) or to answer late, and counts the
// attempts it saw, so tests can tell retries (attempts > calls) from client-side faults
// (attempts < calls).
import * as grpc from '@grpc/grpc-js';

/** The one method every workload serves. */
export const WHO_METHOD = '/e2e.Workload/Who';

export interface Identity {
  workload: string;
  version: string;
  ip: string;
}

export const encodeJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
export const decodeJson = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'));

export interface Behaviour {
  /** Share of calls answered with `failCode` (0..1). */
  failFraction: number;
  failCode: grpc.status;
  /** Delay before answering, in ms. */
  delayMs: number;
}

const HEALTHY: Behaviour = { failFraction: 0, failCode: grpc.status.UNAVAILABLE, delayMs: 0 };

export class Workload {
  /** Calls that reached this server (retries included). */
  attempts = 0;
  behaviour: Behaviour = { ...HEALTHY };
  private server: grpc.Server | undefined;

  constructor(
    readonly name: string,
    readonly version: string,
    readonly ip: string,
  ) {}

  /** Binds `ip:port` (port 0 picks one); resolves with the bound port. */
  start(port: number): Promise<number> {
    const server = new grpc.Server();
    server.register<Buffer, Identity>(
      WHO_METHOD,
      (_call: grpc.ServerUnaryCall<Buffer, Identity>, callback: grpc.sendUnaryData<Identity>) =>
        this.answer(callback),
      encodeJson,
      (b) => b,
      'unary',
    );
    this.server = server;
    return new Promise((resolve, reject) =>
      server.bindAsync(`${this.ip}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
  }

  set(behaviour: Partial<Behaviour>): void {
    this.behaviour = { ...this.behaviour, ...behaviour };
  }

  heal(): void {
    this.behaviour = { ...HEALTHY };
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    server.forceShutdown();
    return Promise.resolve();
  }

  private answer(callback: grpc.sendUnaryData<Identity>): void {
    this.attempts++;
    const { failFraction, failCode, delayMs } = this.behaviour;
    const reply = () => {
      if (failFraction > 0 && Math.random() < failFraction) {
        callback({ code: failCode, details: `${this.name} failed on purpose` });
      } else {
        callback(null, { workload: this.name, version: this.version, ip: this.ip });
      }
    };
    if (delayMs > 0) setTimeout(reply, delayMs);
    else reply();
  }
}

/** Starts every workload on the same port (the first one picks it); returns that port. */
export async function startWorkloads(workloads: readonly Workload[], port = 0): Promise<number> {
  let bound = port;
  for (const w of workloads) bound = await w.start(bound);
  return bound;
}
