// The whole demo in one process: mini-istiod (ADS + debug API) watching a config dir, one real
// gRPC server per Pod of that dir on its loopback IP, and a proxyless client impersonating
// productpage that calls reviews at a steady rate; once a second the shares each version
// answered are drawn. Everything binds to loopback only.
import { DebugServer } from '../debug/http-server.js';
import { DiscoveryServer } from '../server/discovery-server.js';
import { FileSource } from '../sources/file/file-source.js';
import { ChartView, type ChartFrame, type ChartOutput } from './bar-chart.js';
import { prepareConfigDir, type DemoConfigDir } from './demo-config-dir.js';
import { readDemoPods, type DemoPod } from './demo-pods.js';
import { clearDemoState, writeDemoState } from './demo-state.js';
import { ShareWindow } from './share-window.js';
import { TrafficClient } from './traffic-client.js';
import type { Population } from './user-mix.js';
import { methodFor, startWorkloads, type WorkloadServer } from './workload-server.js';

const HOST = '127.0.0.1';
/** The pod the client impersonates and the service it calls, as in bookinfo. */
const CLIENT_APP = 'productpage';
const TARGET_APP = 'reviews';
const RECENT_MS = 1000;
const STEADY_MS = 5000;
const MAX_NOTES = 3;

export interface DemoOptions {
  /** Edited in place when given; otherwise a temp copy of examples/bookinfo. */
  configDir?: string;
  /** Redraw a bar chart in place (true) or print one line per second (false). */
  tty: boolean;
  rate: number;
  users: Population[];
  /** 0 picks a free port. */
  xdsPort: number;
  debugPort: number;
  /** Frames (and the intro) go here; server logs go to `log`. */
  out: ChartOutput;
  log: (line: string) => void;
  /** Record the running demo for `demo step` (default true). */
  recordState?: boolean;
}

export interface RunningDemo {
  configDir: string;
  xdsPort: number;
  debugPort: number;
  target: string;
  /** Stops everything (idempotent); a temporary config dir is removed. */
  stop(): Promise<void>;
}

/** The client's pod: productpage's from the config, else a stand-in on 127.0.0.1. */
function clientPod(pods: DemoPod[]): DemoPod {
  return (
    pods.find((p) => p.app === CLIENT_APP) ?? {
      name: `${CLIENT_APP}-v1-0`,
      namespace: 'default',
      ip: HOST,
      labels: { app: CLIENT_APP, version: 'v1' },
      app: CLIENT_APP,
      version: 'v1',
      ports: [],
    }
  );
}

export async function runDemo(options: DemoOptions): Promise<RunningDemo> {
  const config = await prepareConfigDir(options.configDir);
  const cleanups: (() => Promise<void> | void)[] = [() => config.dispose()];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve(cleanup()).catch((e: unknown) =>
        options.log(`demo: stop: ${String(e)}`),
      );
    }
  };
  try {
    return await start(options, config, cleanups, stopAll);
  } catch (e) {
    await stopAll();
    throw e;
  }
}

async function start(
  options: DemoOptions,
  config: DemoConfigDir,
  cleanups: (() => Promise<void> | void)[],
  stopAll: () => Promise<void>,
): Promise<RunningDemo> {
  // On a TTY the chart owns the screen: server messages are shown under it instead of printed.
  const notes: string[] = [];
  const log = options.tty
    ? (line: string) => {
        for (const l of line.split('\n')) notes.push(l.length > 160 ? `${l.slice(0, 157)}...` : l);
        notes.splice(0, Math.max(0, notes.length - MAX_NOTES));
      }
    : options.log;
  const pods = await readDemoPods(config.dir);
  const targets = pods.filter((p) => p.app === TARGET_APP);
  if (targets.length === 0) throw new Error(`demo: no ${TARGET_APP} Pods in ${config.dir}`);
  const target = `${TARGET_APP}.${targets[0].namespace}.svc.cluster.local:${targets[0].ports[0]}`;
  const versions = [...new Set(targets.map((p) => p.version))].sort();

  const discovery = new DiscoveryServer({
    sources: [
      new FileSource([config.dir], { onError: (err) => log(`config source: ${err.message}`) }),
    ],
    log,
  });
  let xdsListening = false;
  const debug = new DebugServer(discovery, {
    host: HOST,
    port: options.debugPort,
    isReady: () => discovery.ready && xdsListening,
  });
  cleanups.push(
    () => debug.close(),
    () => discovery.stop(),
  );
  const debugPort = await debug.listen();
  await discovery.start();
  const xdsPort = await discovery.ads.listen(HOST, options.xdsPort);
  xdsListening = true;

  const workloads: WorkloadServer[] = await startWorkloads(pods);
  cleanups.push(() => Promise.all(workloads.map((w) => w.stop())).then(() => undefined));

  const window = new ShareWindow(STEADY_MS);
  const client = new TrafficClient({
    xdsAddress: `${HOST}:${xdsPort}`,
    client: clientPod(pods),
    target,
    method: methodFor(TARGET_APP),
    rate: options.rate,
    users: options.users,
    window,
  });
  cleanups.push(() => client.stop());
  await client.start();

  if (options.recordState !== false) {
    await writeDemoState({ pid: process.pid, configDir: config.dir, xdsPort, debugPort });
    cleanups.push(() => clearDemoState());
  }

  const lines = [
    `mini-istiod demo: xDS on ${HOST}:${xdsPort}, debug API on http://${HOST}:${debugPort}`,
    `config dir (edit it live): ${config.dir}${config.temporary ? ' (a temporary copy of examples/bookinfo)' : ''}`,
    `workloads: ${workloads.map((w) => `${w.pod.name}@${w.pod.ip}`).join(', ')}`,
    `client: ${client.nodeId} -> xds:///${target}, ${options.rate} calls/s`,
    `shift traffic: mini-istiod demo step <canary-90-10|canary-50-50|v3|jason-v2|all-v1>`,
  ];
  options.out.write(`${lines.join('\n')}\n\n`);

  const view = new ChartView(options.out, options.tty);
  const begin = Date.now();
  const timer = setInterval(() => {
    const frame: ChartFrame = {
      elapsedS: Math.round((Date.now() - begin) / 1000),
      target,
      rate: options.rate,
      versions,
      populations: options.users
        .filter((u) => u.weight > 0)
        .map((u) => ({
          name: u.name,
          recent: window.counts(u.name, RECENT_MS),
          steady: window.counts(u.name, STEADY_MS),
        })),
      notes: options.tty ? [...notes] : undefined,
    };
    view.draw(frame);
  }, 1000);
  cleanups.push(() => clearInterval(timer));

  return { configDir: config.dir, xdsPort, debugPort, target, stop: stopAll };
}
