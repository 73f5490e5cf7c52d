// One demo "pod": a real gRPC server bound to the Pod's loopback IP on each of its ports, serving
// a single proto-less unary method, `/bookinfo.<App>/Get`, whose reply is the workload's identity
// as JSON. Proxyless clients routed by mini-istiod can then tell which version answered a call,
// without any generated stubs on either side.
import * as grpc from '@grpc/grpc-js';
import type { DemoPod } from './demo-pods.js';

/** What every workload answers. */
export interface WorkloadReply {
  service: string;
  version: string;
  pod: string;
  ip: string;
}

/** `reviews` → `/bookinfo.Reviews/Get`. */
export function methodFor(app: string): string {
  const service = app
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  return `/bookinfo.${service}/Get`;
}

export const encodeReply = (reply: WorkloadReply): Buffer => Buffer.from(JSON.stringify(reply));

/** Decodes a reply, or returns undefined for bytes that are not a WorkloadReply. */
export function decodeReply(bytes: Buffer): WorkloadReply | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const service = str('service');
  const version = str('version');
  if (service === undefined || version === undefined) return undefined;
  return { service, version, pod: str('pod') ?? '', ip: str('ip') ?? '' };
}

export class WorkloadServer {
  /** Calls answered since start. */
  served = 0;
  private server: grpc.Server | undefined;

  constructor(readonly pod: DemoPod) {}

  /** Binds every port of the Pod on its IP; rejects (having bound nothing) if any bind fails. */
  async start(): Promise<void> {
    const server = new grpc.Server();
    const reply: WorkloadReply = {
      service: this.pod.app,
      version: this.pod.version,
      pod: this.pod.name,
      ip: this.pod.ip,
    };
    const handler: grpc.handleUnaryCall<Buffer, WorkloadReply> = (_call, callback) => {
      this.served++;
      callback(null, reply);
    };
    server.register<Buffer, WorkloadReply>(
      methodFor(this.pod.app),
      handler,
      encodeReply,
      (b) => b,
      'unary',
    );
    this.server = server;
    try {
      for (const port of this.pod.ports) {
        await new Promise<void>((resolve, reject) =>
          server.bindAsync(
            `${this.pod.ip}:${port}`,
            grpc.ServerCredentials.createInsecure(),
            (err) =>
              err
                ? reject(
                    new Error(
                      `${this.pod.name}: cannot listen on ${this.pod.ip}:${port}: ${err.message}`,
                    ),
                  )
                : resolve(),
          ),
        );
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Lets calls in flight finish for a moment, then closes whatever is left. */
  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 500);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}

/** Starts one server per pod; on any failure stops those already started and rethrows. */
export async function startWorkloads(pods: readonly DemoPod[]): Promise<WorkloadServer[]> {
  const started: WorkloadServer[] = [];
  try {
    for (const pod of pods) {
      const server = new WorkloadServer(pod);
      await server.start();
      started.push(server);
    }
  } catch (e) {
    await Promise.all(started.map((s) => s.stop()));
    throw e;
  }
  return started;
}
