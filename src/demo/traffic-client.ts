// The demo's data plane: a proxyless gRPC client (grpc-js-xds) bootstrapped as productpage's pod,
// so mini-istiod routes its calls exactly as it would route that pod's sidecar-less traffic. It
// dials `xds:///<host>:<port>` and makes calls at a steady rate, each as one population of the
// user mix, recording which version answered (or that the call failed) in a ShareWindow.
//
// The bootstrap is given per channel (grpc-js-xds's test option), not through the environment,
// so the client owns its node id and a process may hold several clients. grpc-js-xds is loaded
// only when a client starts: nothing else in the CLI needs it.
import * as grpc from '@grpc/grpc-js';
import { buildGrpcBootstrap } from '../bootstrap/grpc-bootstrap.js';
import { resolveIdentity } from '../bootstrap/bootstrap-options.js';
import type { DemoPod } from './demo-pods.js';
import { ERROR_OUTCOME, type ShareWindow } from './share-window.js';
import { headersOf, MixPicker, type Population } from './user-mix.js';
import { decodeReply } from './workload-server.js';

/** grpc-js-xds reads a per-channel bootstrap (a JSON string) from this channel option. */
const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';
/** How often due calls are issued; 50 calls/s come out as one call per tick. */
const TICK_MS = 20;
/** Calls in flight beyond this are not started: a stalled route must not pile up calls. */
const MAX_IN_FLIGHT = 500;

export interface TrafficClientOptions {
  /** mini-istiod's ADS address, `host:port`. */
  xdsAddress: string;
  /** The pod the client impersonates (node id, NAMESPACE, LABELS). */
  client: Pick<DemoPod, 'name' | 'namespace' | 'ip' | 'labels'>;
  /** `<host>:<port>` to dial, e.g. `reviews.default.svc.cluster.local:9080`. */
  target: string;
  /** gRPC method path served by the target's workloads. */
  method: string;
  /** Calls per second. */
  rate: number;
  users: readonly Population[];
  window: ShareWindow;
  /** Per-call deadline (default 2 s). */
  deadlineMs?: number;
}

let xdsRegistered: Promise<void> | undefined;

/** Registers the `xds:` scheme with grpc-js once per process. */
function registerXds(): Promise<void> {
  xdsRegistered ??= import('@grpc/grpc-js-xds').then(
    (xds) => xds.register(),
    (e: unknown) => {
      xdsRegistered = undefined;
      throw new Error(
        `the demo's proxyless client needs @grpc/grpc-js-xds (npm install @grpc/grpc-js-xds): ${String(e)}`,
      );
    },
  );
  return xdsRegistered;
}

/** Istio's node id for a sidecar-less pod: `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`. */
export function nodeIdOf(pod: Pick<DemoPod, 'name' | 'namespace' | 'ip'>): string {
  return `sidecar~${pod.ip}~${pod.name}.${pod.namespace}~${pod.namespace}.svc.cluster.local`;
}

export class TrafficClient {
  /** Calls started / completed since start. */
  started = 0;
  completed = 0;
  readonly nodeId: string;
  private channel: grpc.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private closed = false;
  /** Call slots consumed by the rate schedule (started or dropped). */
  private scheduled = 0;
  private readonly picker: MixPicker;

  constructor(private readonly options: TrafficClientOptions) {
    this.nodeId = nodeIdOf(options.client);
    this.picker = new MixPicker(options.users);
  }

  async start(): Promise<void> {
    await registerXds();
    const identity = resolveIdentity({
      nodeId: this.nodeId,
      xdsAddress: this.options.xdsAddress,
      labels: this.options.client.labels,
    });
    if (!identity.ok) throw new Error(identity.error);
    const bootstrap = buildGrpcBootstrap(identity.value);
    this.channel = new grpc.Client(
      `xds:///${this.options.target}`,
      grpc.credentials.createInsecure(),
      { [BOOTSTRAP_OPTION]: JSON.stringify(bootstrap) },
    );
    const begin = Date.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - begin) / 1000) * this.options.rate);
      while (this.scheduled < due && this.inFlight < MAX_IN_FLIGHT) {
        this.scheduled++;
        this.callOnce();
      }
      // A backlog beyond MAX_IN_FLIGHT is dropped rather than fired in a burst later.
      this.scheduled = Math.max(this.scheduled, due);
    }, TICK_MS);
  }

  /**
   * Stops issuing calls, lets those in flight finish (bounded by their deadline), then closes the
   * channel: a channel closed under queued calls leaves grpc-js timers holding the process open.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const giveUp = Date.now() + (this.options.deadlineMs ?? 2000) + 100;
    while (this.inFlight > 0 && Date.now() < giveUp) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.closed = true;
    this.channel?.close();
    this.channel = undefined;
  }

  private callOnce(): void {
    const channel = this.channel;
    if (!channel) return;
    this.started++;
    this.inFlight++;
    const population = this.picker.next();
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(headersOf(population))) metadata.set(k, v);
    const deadline = new Date(Date.now() + (this.options.deadlineMs ?? 2000));
    channel.makeUnaryRequest<Buffer, Buffer>(
      this.options.method,
      (b) => b,
      (b) => b,
      Buffer.alloc(0),
      metadata,
      { deadline },
      (err, value) => {
        this.inFlight--;
        this.completed++;
        const reply = err || !value ? undefined : decodeReply(value);
        // A stopped client's late answers are not news.
        if (!this.closed) this.options.window.record(population, reply?.version ?? ERROR_OUTCOME);
      },
    );
  }
}
