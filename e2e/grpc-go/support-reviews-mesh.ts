// The bookinfo `reviews` mesh the grpc-go interop client is tested against: three interop
// workloads (v1, v2, v3) sharing port 9080 on 127.0.0.21/22/23, described to the REAL
// mini-istiod (a child process) by Kubernetes-style Service / Pod / Endpoints files plus a subset
// DestinationRule, and a VirtualService file that tests rewrite while clients keep running.
import {
  ConfigDir,
  endpointsDoc,
  podDoc,
  serviceDoc,
  subsetsRuleDoc,
  virtualServiceDoc,
  type Doc,
  type PodSpec,
} from '../support/config-dir.js';
import {
  startInteropTestService,
  type InteropTestService,
} from '../support/grpc-go-test-service.js';
import { ServerProcess } from '../support/server-process.js';

export const REVIEWS_HOST = 'reviews.default.svc.cluster.local';
export const REVIEWS_PORT = 9080;
export const VERSIONS = ['v1', 'v2', 'v3'] as const;
export type Version = (typeof VERSIONS)[number];

const ROUTES_FILE = 'reviews-virtual-service.yaml';

/** The hostname workload `version` reports, i.e. its key in the client's stats. */
export const hostOf = (version: Version): string => `reviews-${version}-0`;

/** A VirtualService for `reviews` routing by the given HTTP rules (Istio's spec, verbatim). */
export function reviewsRoutes(http: unknown[]): Doc {
  return virtualServiceDoc('reviews', http);
}

/** A route destination to subset `version`, weighted when `weight` is given. */
export function toSubset(version: Version, weight?: number): Doc {
  return {
    destination: { host: 'reviews', subset: version },
    ...(weight === undefined ? {} : { weight }),
  };
}

/** How long to wait for 127.0.0.21-23:9080 to be released by another user (see startWorkload). */
const BIND_WAIT_MS = 60_000;

/**
 * Starts workload `version` on `ip`:9080. The same addresses serve examples/bookinfo (the
 * quickstart e2e test and `mini-istiod demo` bind them too), and jest runs test files in parallel,
 * so a busy address is waited for instead of failing at once.
 */
async function startWorkload(version: Version, ip: string): Promise<InteropTestService> {
  const deadline = Date.now() + BIND_WAIT_MS;
  for (;;) {
    try {
      return await startInteropTestService({ hostname: hostOf(version), ip, port: REVIEWS_PORT });
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(
          `cannot bind ${ip}:${REVIEWS_PORT} for reviews-${version} after ${BIND_WAIT_MS} ms ` +
            `(is a demo or another bookinfo test holding it?): ${String(err)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export class ReviewsMesh {
  private constructor(
    readonly config: ConfigDir,
    readonly server: ServerProcess,
    readonly workloads: readonly InteropTestService[],
  ) {}

  /** Starts the workloads, writes the config (with `routes` as the first VirtualService), then the server. */
  static async start(routes: Doc): Promise<ReviewsMesh> {
    const config = new ConfigDir();
    const workloads: InteropTestService[] = [];
    try {
      for (const [i, version] of VERSIONS.entries()) {
        workloads.push(await startWorkload(version, `127.0.0.${21 + i}`));
      }
      const pods: PodSpec[] = VERSIONS.map((version, i) => ({
        name: hostOf(version),
        app: 'reviews',
        version,
        ip: workloads[i].ip,
        port: REVIEWS_PORT,
      }));
      config.write('reviews-service.yaml', [serviceDoc('reviews', REVIEWS_PORT, '10.96.0.60')]);
      config.write('reviews-workloads.yaml', [
        ...pods.map(podDoc),
        endpointsDoc('reviews', REVIEWS_PORT, pods),
      ]);
      config.write('reviews-destination-rule.yaml', [subsetsRuleDoc('reviews', [...VERSIONS])]);
      config.write(ROUTES_FILE, [routes]);
      const server = await ServerProcess.start({ configDir: config.dir });
      return new ReviewsMesh(config, server, workloads);
    } catch (err) {
      await Promise.all(workloads.map((w) => w.stop()));
      config.dispose();
      throw err;
    }
  }

  /** Rewrites the VirtualService file; returns performance.now() once the new file is visible. */
  route(doc: Doc): number {
    return this.config.write(ROUTES_FILE, [doc]);
  }

  /** What the server has for `proxyId` (e.g. `productpage-v1-0.default`), for failure messages. */
  async configDump(proxyId: string): Promise<unknown> {
    return this.server.getJson(`/debug/config_dump?proxyID=${encodeURIComponent(proxyId)}`);
  }

  async syncz(): Promise<unknown> {
    return this.server.getJson('/debug/syncz');
  }

  async close(): Promise<void> {
    await this.server.dispose();
    await Promise.all(this.workloads.map((w) => w.stop()));
    this.config.dispose();
  }
}
