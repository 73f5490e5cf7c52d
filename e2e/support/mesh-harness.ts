// One small mesh per test file: the `reviews` service (pods v1..vN as real gRPC servers on
// 127.0.0.11, .12, ...), its Service/Pod/Endpoints files plus a subset DestinationRule in a temp
// config dir, mini-istiod as a child process on it, and proxyless clients dialing
// `xds:///reviews.default.svc.cluster.local:9080`. Also the timing tools: pollUntil (no fixed
// sleeps) and background load that keeps clients calling while config changes.
import { performance } from 'node:perf_hooks';
import {
  ConfigDir,
  endpointsDoc,
  podDoc,
  serviceDoc,
  subsetsRuleDoc,
  type Doc,
  type PodSpec,
} from './config-dir.js';
import { ServerProcess } from './server-process.js';
import { startWorkloads, Workload } from './workloads.js';
import { MeshClient, Tally, type CallOptions, type ClientIdentity } from './xds-client.js';

export const REVIEWS_TARGET = 'xds:///reviews.default.svc.cluster.local:9080';
export const SERVICE_FILE = 'reviews-service.yaml';
export const WORKLOADS_FILE = 'reviews-workloads.yaml';
export const RULE_FILE = 'reviews-destination-rule.yaml';
export const ROUTES_FILE = 'reviews-virtual-service.yaml';

export interface PollResult<T> {
  value: T;
  /** From the start of polling to the probe that satisfied `done` (its start). */
  ms: number;
  probes: number;
}

/**
 * Runs `probe` back to back until `done` holds for its result. `since` (a performance.now()
 * reading, e.g. the file write) is the origin of the reported time.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  opts: { timeoutMs?: number; since?: number; what?: string } = {},
): Promise<PollResult<T>> {
  const since = opts.since ?? performance.now();
  const deadline = performance.now() + (opts.timeoutMs ?? 10_000);
  let probes = 0;
  let last: T | undefined;
  for (;;) {
    const started = performance.now();
    const value = await probe();
    probes++;
    if (done(value)) return { value, ms: started - since, probes };
    last = value;
    if (performance.now() > deadline) {
      throw new Error(
        `timed out waiting for ${opts.what ?? 'condition'} after ${probes} probes; last: ${JSON.stringify(last)}`,
      );
    }
    // Yield to I/O between probes that return synchronously fast.
    await new Promise((r) => setImmediate(r));
  }
}

/** Calls issued continuously by a client until stopped, tallied with their completion time. */
export class BackgroundLoad {
  readonly tally = new Tally();
  /** Failed calls with the time they completed (performance.now()). */
  readonly failures: { at: number; code: number; details: string }[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(client: MeshClient, opts: CallOptions & { concurrency?: number } = {}) {
    const worker = async () => {
      while (this.running) {
        const r = await client.call(opts);
        this.tally.add(r);
        if (r.code !== 0) {
          this.failures.push({ at: performance.now(), code: r.code, details: r.details });
        }
        // Keep the loop from monopolising the event loop on very fast answers.
        await new Promise((r) => setImmediate(r));
      }
    };
    this.done = Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker)).then(
      () => undefined,
    );
  }

  async stop(): Promise<Tally> {
    this.running = false;
    await this.done;
    return this.tally;
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface MeshOptions {
  /** Versions of reviews to run, one pod each (default v1, v2, v3). */
  versions?: string[];
  /** Extra docs for the initial config (e.g. a VirtualService). */
  initialRoutes?: Doc[];
  /** First loopback host number for workloads (default 11 → 127.0.0.11). */
  firstHost?: number;
}

export class Mesh {
  readonly workloads = new Map<string, Workload>();
  private readonly clients: MeshClient[] = [];
  private clientCounter = 0;
  private nextHost: number;

  private constructor(
    readonly config: ConfigDir,
    readonly port: number,
    firstHost: number,
    readonly server: ServerProcess,
  ) {
    this.nextHost = firstHost;
  }

  static async start(opts: MeshOptions = {}): Promise<Mesh> {
    const versions = opts.versions ?? ['v1', 'v2', 'v3'];
    const firstHost = opts.firstHost ?? 11;
    const workloads = versions.map(
      (v, i) => new Workload(`reviews-${v}-0`, v, `127.0.0.${firstHost + i}`),
    );
    const port = await startWorkloads(workloads);
    const config = new ConfigDir();
    config.write(SERVICE_FILE, [serviceDoc('reviews', port, '10.96.0.50')]);
    config.write(RULE_FILE, [subsetsRuleDoc('reviews', ['v1', 'v2', 'v3', 'v4'])]);
    if (opts.initialRoutes) config.write(ROUTES_FILE, opts.initialRoutes);
    const mesh = await (async () => {
      try {
        const pods = workloads.map((w) => podOf(w, port));
        config.write(WORKLOADS_FILE, [...pods.map(podDoc), endpointsDoc('reviews', port, pods)]);
        const server = await ServerProcess.start({ configDir: config.dir });
        return new Mesh(config, port, firstHost + versions.length, server);
      } catch (err) {
        await Promise.all(workloads.map((w) => w.stop()));
        config.dispose();
        throw err;
      }
    })();
    for (const w of workloads) mesh.workloads.set(w.version, w);
    return mesh;
  }

  workload(version: string): Workload {
    const w = this.workloads.get(version);
    if (!w) throw new Error(`no workload ${version}`);
    return w;
  }

  /** A new proxyless client pod (productpage by default) dialing reviews. */
  client(labels: Record<string, string> = { app: 'productpage', version: 'v1' }): MeshClient {
    const n = ++this.clientCounter;
    const identity: ClientIdentity = {
      podName: `${labels.app ?? 'client'}-${labels.version ?? 'v1'}-${n}`,
      namespace: 'default',
      ip: `127.0.0.${50 + n}`,
      labels,
    };
    const c = new MeshClient(this.server.xdsAddress, identity, REVIEWS_TARGET);
    this.clients.push(c);
    return c;
  }

  /** Starts a new workload pod for `version` (not yet in the config files). */
  async addWorkload(version: string): Promise<Workload> {
    const w = new Workload(`reviews-${version}-0`, version, `127.0.0.${this.nextHost++}`);
    await w.start(this.port);
    this.workloads.set(version, w);
    return w;
  }

  /** Rewrites the Pods + Endpoints file to list exactly `versions`; returns the write time. */
  publishEndpoints(versions: readonly string[]): number {
    const pods = versions.map((v) => podOf(this.workload(v), this.port));
    return this.config.write(WORKLOADS_FILE, [
      ...pods.map(podDoc),
      endpointsDoc('reviews', this.port, pods),
    ]);
  }

  /** Writes the reviews VirtualService; returns the write time. */
  route(doc: Doc): number {
    return this.config.write(ROUTES_FILE, [doc]);
  }

  /**
   * Clients are closed against a live server. grpc-js-xds opens its ADS stream wait-for-ready
   * and, when a channel closes, only half-closes it: with the server gone, a stream started
   * after the server died waits forever and keeps the test process alive. So a stopped server
   * is started again, the clients' pending streams are let in, and only then are the clients
   * closed; the server ends each half-closed stream, and an empty /debug/syncz says all ended.
   * Teardown waits are best effort: a failure here must not hide the test's own result.
   */
  async close(): Promise<void> {
    const syncz = () => this.server.getJson<unknown[]>('/debug/syncz');
    if (!this.server.running) {
      await this.server.launch();
      await pollUntil(syncz, (s) => s.length >= this.clients.length, {
        timeoutMs: 15_000,
      }).catch(() => undefined);
    }
    for (const c of this.clients) c.close();
    await pollUntil(syncz, (s) => s.length === 0, { timeoutMs: 5000 }).catch(() => undefined);
    await this.server.dispose();
    await Promise.all([...this.workloads.values()].map((w) => w.stop()));
    this.config.dispose();
  }
}

function podOf(w: Workload, port: number): PodSpec {
  return { name: w.name, app: 'reviews', version: w.version, ip: w.ip, port };
}
