// `npm run bench [-- --quick] [--services N --namespaces M --proxies P --versions K
//   --scoping on|off|both --modes sotw,delta --churn-rate R --churn-seconds S --no-go --cpu-prof
//   --filter-gateway-clusters on|off --heap-snapshot --stop-after <scenario> --no-malloc-tuning]`
//
// For each run (Sidecar scoping on/off × SotW/Delta): generate a mesh, export the per-proxy
// snapshots of every state the scenarios pass through (for the go-control-plane baseline), then
// run the same scenarios against mini-istiod and against the baseline with the same load client.
// Results: bench/results/<date>.json plus a printed summary. No assertions: numbers only.
import { MALLOC_TUNING_ENV } from '../../src/cli/serve-malloc-tuning.js';
import { FILTER_GATEWAY_CLUSTERS_ENV } from '../../src/server/gateway-cluster-filter.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSnapshotSet } from '../export/snapshot-file.js';
import { exportSnapshots } from '../export/export-snapshots.js';
import type { XdsMode } from '../load-client/protocol.js';
import {
  destinationRuleChange,
  endpointChurnStep,
  meshWideChange,
  virtualServiceWeightChange,
  type FileChanges,
} from '../mesh/mesh-changes.js';
import { generateMesh, type Mesh, type MeshOptions, type PodInfo } from '../mesh/mesh-generator.js';
import {
  startGoControlPlane,
  startMiniIstiod,
  type BenchServer,
  type GoServer,
} from './bench-servers.js';
import { LoadClientProcess } from './load-client-process.js';
import {
  atRate,
  connectStorm,
  reconnectStorm,
  runScenario,
  type ScenarioResult,
} from './scenarios.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// dist-bench/bench/run → repository root.
const repoRoot = path.resolve(here, '..', '..', '..');

interface BenchOptions {
  quick: boolean;
  services: number;
  namespaces: number;
  proxies: number;
  versions: number;
  scoping: boolean[];
  modes: XdsMode[] | undefined;
  churnRate: number;
  churnSeconds: number;
  go: boolean;
  cpuProf: boolean;
  /** Take a server heap snapshot after the connect storm (bench/results/profiles/). */
  heapSnapshot: boolean;
  /**
   * Run the server with the glibc malloc settings `serve` gives itself outside containers
   * (MALLOC_TUNING_ENV). The bench starts the CLI module directly (serve-entry.ts), never through
   * that re-execution, so the measured process is the server either way. On by default, as
   * `serve` is; `--no-malloc-tuning` measures the server with glibc's defaults.
   */
  mallocTuning: boolean;
  /** End each run after this scenario. */
  stopAfter?: string;
  /** Gateway cluster filtering (istiod's PILOT_FILTER_GATEWAY_CLUSTER_CONFIG); default on. */
  filterGatewayClusters: boolean;
  quietMs: number;
  timeoutMs: number;
}

function parseArgs(argv: string[]): BenchOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) flags.set(a.slice(2), argv[++i]);
    else flags.set(a.slice(2), 'true');
  }
  const quick = flags.has('quick');
  const num = (k: string, full: number, q: number) => Number(flags.get(k) ?? (quick ? q : full));
  const scoping = flags.get('scoping') ?? 'both';
  return {
    quick,
    services: num('services', 1000, 40),
    namespaces: num('namespaces', 100, 5),
    proxies: num('proxies', 2000, 80),
    versions: num('versions', 2, 2),
    scoping: scoping === 'both' ? [true, false] : [scoping === 'on'],
    // Delta is measured with scoping on (the target case); --modes applies to every run.
    modes: flags.get('modes')?.split(',') as XdsMode[] | undefined,
    churnRate: num('churn-rate', 50, 50),
    churnSeconds: num('churn-seconds', 20, 3),
    go: !flags.has('no-go'),
    cpuProf: flags.has('cpu-prof'),
    heapSnapshot: flags.has('heap-snapshot'),
    mallocTuning: !flags.has('no-malloc-tuning'),
    stopAfter: flags.get('stop-after'),
    filterGatewayClusters: flags.get('filter-gateway-clusters') !== 'off',
    quietMs: num('quiet-ms', 5000, 800),
    timeoutMs: num('timeout-ms', 180_000, 60_000),
  };
}

function writeChanges(dir: string, changes: FileChanges): void {
  for (const [rel, text] of changes) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/** Every state the scenarios pass through, as file changes applied in order to the base mesh. */
interface Plan {
  vs: FileChanges;
  dr: FileChanges;
  churn: FileChanges[];
  meshWide: FileChanges;
}

function plan(mesh: Mesh, opts: BenchOptions): Plan {
  const state = new Map<string, PodInfo[]>();
  const steps = Math.round(opts.churnRate * opts.churnSeconds);
  return {
    vs: virtualServiceWeightChange(mesh),
    dr: destinationRuleChange(mesh),
    churn: Array.from({ length: steps }, (_, i) => endpointChurnStep(mesh, state, i)),
    meshWide: meshWideChange(),
  };
}

interface SnapshotSets {
  base: string;
  vs: string;
  dr: string;
  /** Cumulative churn state at the end of each second. */
  churn: string[];
  meshWide: string;
  exportMs: number;
}

async function exportSets(mesh: Mesh, p: Plan, work: string, rate: number): Promise<SnapshotSets> {
  const dir = path.join(work, 'export-config');
  writeChanges(dir, mesh.files);
  const started = performance.now();
  let n = 0;
  const save = async (label: string): Promise<string> => {
    const out = await exportSnapshots(dir, mesh.nodes);
    if (out.errors > 0) throw new Error(`generated mesh has ${out.errors} invalid resources`);
    const file = path.join(work, `set-${String(n++).padStart(3, '0')}-${label}.bin`);
    writeSnapshotSet(file, out.snapshots);
    return file;
  };
  const base = await save('base');
  writeChanges(dir, p.vs);
  const vs = await save('vs');
  writeChanges(dir, p.dr);
  const dr = await save('dr');
  const churn: string[] = [];
  for (let i = 0; i < p.churn.length; i++) {
    writeChanges(dir, p.churn[i]);
    if ((i + 1) % rate === 0 || i === p.churn.length - 1) churn.push(await save('churn'));
  }
  writeChanges(dir, p.meshWide);
  const meshWide = await save('mesh');
  return { base, vs, dr, churn, meshWide, exportMs: Math.round(performance.now() - started) };
}

interface ServerRun {
  scenarios: ScenarioResult[];
  /** Load-client CPU-seconds over the whole server run. */
  clientCpuSeconds: number;
}

async function runAgainst(
  server: BenchServer,
  mesh: Mesh,
  mode: XdsMode,
  opts: BenchOptions,
  apply: {
    vs: () => Promise<void>;
    dr: () => Promise<void>;
    churn: () => Promise<{ lastChangeAfterMs: number; changes: number }>;
    meshWide: () => Promise<void>;
  },
): Promise<ServerRun> {
  const client = new LoadClientProcess();
  const ctx = { server, client, quietMs: opts.quietMs, timeoutMs: opts.timeoutMs };
  const scenarios: ScenarioResult[] = [];
  const log = (r: ScenarioResult) => {
    scenarios.push(r);
    console.log(`  ${server.name} ${r.name}: ${summaryLine(r)}`);
  };
  try {
    // --stop-after NAME ends the run after that scenario (quick memory/profile iterations).
    const steps: [string, () => Promise<ScenarioResult>][] = [
      ['connect-storm', () => connectStorm(ctx, mode, mesh.nodes)],
      ['virtualservice-weight', () => runScenario(ctx, 'virtualservice-weight', apply.vs)],
      ['destinationrule-change', () => runScenario(ctx, 'destinationrule-change', apply.dr)],
      ['endpoint-churn', () => runScenario(ctx, 'endpoint-churn', apply.churn)],
      ['mesh-wide-change', () => runScenario(ctx, 'mesh-wide-change', apply.meshWide)],
      ['reconnect-storm', () => reconnectStorm(ctx)],
    ];
    for (const [name, step] of steps) {
      log(await step());
      // Steady state after the connect storm: every proxy connected and configured.
      if (name === 'connect-storm' && opts.heapSnapshot && server.heapSnapshot) {
        console.log(`  heap snapshot: ${await server.heapSnapshot()}`);
      }
      if (name === opts.stopAfter) break;
    }
    const usage = await client.usage();
    return { scenarios, clientCpuSeconds: Math.round(usage.cpuSeconds * 100) / 100 };
  } finally {
    await client.exit();
  }
}

function summaryLine(r: ScenarioResult): string {
  const c = r.convergenceMs;
  const parts = [
    `affected ${r.affectedProxies}`,
    `conv p50/p99/max ${c.p50}/${c.p99}/${c.max} ms`,
    `cpu ${r.serverCpuSeconds}s`,
    `rss peak/steady ${r.peakRssMB}/${r.steadyRssMB} MB${r.steadyHeapMB !== undefined ? ` (heap ${r.steadyHeapMB} MB)` : ''}`,
    `sent ${(r.serverBytesSent / 1024).toFixed(0)} KiB`,
    `largest ${(r.largestResponseBytes / 1024).toFixed(0)} KiB`,
    `by type ${JSON.stringify(r.responsesByType)}`,
  ];
  if (r.pushes !== undefined)
    parts.push(
      `pushes ${r.pushes} (eds-only ${r.endpointOnlyPushes}, skipped proxies ${r.pushesSkippedProxies}, longest ${r.pushDurationMsMax} ms)`,
    );
  if (r.churn)
    parts.push(
      `churn ${r.churn.changes} in ${r.churn.seconds}s, ${r.churn.serverCpuCores} cores, drain ${r.churn.drainMs} ms`,
    );
  if (r.incompleteProxies || r.nacks || r.streamErrors || r.timedOut) {
    parts.push(
      `INCOMPLETE ${r.incompleteProxies} NACKS ${r.nacks} ERRORS ${r.streamErrors}${r.timedOut ? ' TIMEOUT' : ''}`,
    );
  }
  return parts.join(', ');
}

function ratios(mini: ServerRun, go: ServerRun): Record<string, Record<string, number | null>> {
  const out: Record<string, Record<string, number | null>> = {};
  const div = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
  for (const m of mini.scenarios) {
    const g = go.scenarios.find((s) => s.name === m.name);
    if (!g) continue;
    out[m.name] = {
      convergenceMax: div(m.convergenceMs.max, g.convergenceMs.max),
      convergenceP99: div(m.convergenceMs.p99, g.convergenceMs.p99),
      cpuSeconds: div(m.serverCpuSeconds, g.serverCpuSeconds),
      peakRss: div(m.peakRssMB, g.peakRssMB),
      steadyRss: div(m.steadyRssMB, g.steadyRssMB),
    };
  }
  return out;
}

function buildGo(): string {
  const out = path.join(repoRoot, 'dist-bench', 'go-control-plane-bench');
  execFileSync('go', ['build', '-o', out, '.'], {
    cwd: path.join(repoRoot, 'bench', 'go-control-plane'),
    stdio: 'inherit',
  });
  return out;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  // Read by the spawned server and by the baseline export alike (both inherit this environment).
  process.env[FILTER_GATEWAY_CLUSTERS_ENV] = String(opts.filterGatewayClusters);
  const goBinary = opts.go ? buildGo() : undefined;
  const profDir = path.join(repoRoot, 'bench', 'results', 'profiles');
  if (opts.heapSnapshot) mkdirSync(profDir, { recursive: true });
  const runs: unknown[] = [];
  const began = Date.now();
  for (const scoping of opts.scoping) {
    for (const mode of opts.modes ?? (scoping ? ['sotw', 'delta'] : ['sotw'])) {
      const meshOpts: MeshOptions = {
        services: opts.services,
        namespaces: opts.namespaces,
        versions: opts.versions,
        proxies: opts.proxies,
        sidecarScoping: scoping,
      };
      const label = `scoping=${scoping ? 'on' : 'off'} mode=${mode}`;
      console.log(
        `\n== ${label}: ${opts.services} services, ${opts.namespaces} namespaces, ${opts.proxies} sidecars + 1 gateway`,
      );
      const mesh = generateMesh(meshOpts);
      const p = plan(mesh, opts);
      const work = mkdtempSync(path.join(os.tmpdir(), 'mini-istiod-bench-'));
      try {
        const configDir = path.join(work, 'config');
        writeChanges(configDir, mesh.files);
        const sets = goBinary ? await exportSets(mesh, p, work, opts.churnRate) : undefined;
        if (sets)
          console.log(`  exported ${sets.churn.length + 4} snapshot sets in ${sets.exportMs} ms`);

        const mini = await startMiniIstiod({
          configDir,
          cpuProfDir: opts.cpuProf ? profDir : undefined,
          heapSnapshotDir: opts.heapSnapshot ? profDir : undefined,
          env: opts.mallocTuning ? MALLOC_TUNING_ENV : undefined,
          log: (l) => console.error(l),
        });
        let miniRun: ServerRun;
        try {
          miniRun = await runAgainst(mini, mesh, mode, opts, {
            vs: async () => writeChanges(configDir, p.vs),
            dr: async () => writeChanges(configDir, p.dr),
            churn: async () => {
              const ms = await atRate(p.churn.length, opts.churnRate, async (i) =>
                writeChanges(configDir, p.churn[i]),
              );
              return { lastChangeAfterMs: ms, changes: p.churn.length };
            },
            meshWide: async () => writeChanges(configDir, p.meshWide),
          });
        } finally {
          await mini.stop();
        }

        let goRun: ServerRun | undefined;
        if (goBinary && sets) {
          const go: GoServer = await startGoControlPlane(goBinary, sets.base);
          try {
            goRun = await runAgainst(go, mesh, mode, opts, {
              vs: () => go.load(sets.vs),
              dr: () => go.load(sets.dr),
              churn: async () => {
                const ms = await atRate(sets.churn.length, 1, (i) => go.load(sets.churn[i]));
                return { lastChangeAfterMs: ms, changes: p.churn.length };
              },
              meshWide: () => go.load(sets.meshWide),
            });
          } finally {
            await go.stop();
          }
        }
        runs.push({
          scoping,
          mode,
          mesh: meshOpts,
          configFiles: mesh.files.size,
          miniIstiod: miniRun,
          goControlPlane: goRun,
          ratios: goRun ? ratios(miniRun, goRun) : undefined,
        });
        if (goRun)
          console.log(
            `  ratios mini-istiod/go-control-plane: ${JSON.stringify(ratios(miniRun, goRun))}`,
          );
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  }
  const results = {
    date: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memGB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    options: opts,
    durationSeconds: Math.round((Date.now() - began) / 1000),
    runs,
  };
  const dir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(
    dir,
    `${results.date.replace(/[:.]/g, '-')}${opts.quick ? '-quick' : ''}.json`,
  );
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(repoRoot, file)} (${results.durationSeconds} s)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
