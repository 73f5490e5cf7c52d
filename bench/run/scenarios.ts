// The benchmark scenarios, run identically against either server. A scenario is "apply a
// change, then wait until every proxy is quiet"; figures come from the load client (convergence,
// bytes received, largest response), /proc (server CPU and RSS) and the server's own counters.
import type {
  Distribution,
  SettleReport,
  SimulatedNode,
  XdsMode,
} from '../load-client/protocol.js';
import type { BenchServer } from './bench-servers.js';
import type { LoadClientProcess } from './load-client-process.js';
import { cpuSeconds, rssBytes, RssSampler } from './process-stats.js';

export interface ScenarioResult {
  name: string;
  wallMs: number;
  /** Change applied → each affected proxy's last ACK (ms). */
  convergenceMs: Distribution;
  affectedProxies: number;
  serverCpuSeconds: number;
  peakRssMB: number;
  steadyRssMB: number;
  /** V8 heap in use after the scenario (mini-istiod only; includes not yet collected garbage). */
  steadyHeapMB?: number;
  /** As counted by the server (mini-istiod: framed responses; baseline: proto.Size). */
  serverBytesSent: number;
  clientBytesReceived: number;
  largestResponseBytes: number;
  responsesByType: Record<string, number>;
  pushes?: number;
  endpointOnlyPushes?: number;
  /** Σ over pushes of proxies whose translated config was unchanged (nothing sent to them). */
  pushesSkippedProxies?: number;
  /** Longest single push (translate + diff + enqueue for all proxies), ms. */
  pushDurationMsMax?: number;
  nacks: number;
  incompleteProxies: number;
  streamErrors: number;
  timedOut: boolean;
  churn?: { changes: number; seconds: number; serverCpuCores: number; drainMs: number };
}

export interface ScenarioContext {
  server: BenchServer;
  client: LoadClientProcess;
  quietMs: number;
  timeoutMs: number;
}

const MB = 1024 * 1024;
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Runs one scenario: `apply` starts the change (after the client's mark) and may return extra
 * churn information; then the client settles and the figures are collected.
 */
export async function runScenario(
  ctx: ScenarioContext,
  name: string,
  apply: () => Promise<{ lastChangeAfterMs?: number; changes?: number } | void>,
  markFirst = true,
): Promise<ScenarioResult> {
  // Storms (no mark first) must end with every proxy fully configured, not merely a quiet gap.
  const requireComplete = !markFirst;
  const { server, client } = ctx;
  // A quiet gap shorter than one push would end a scenario while the server is still computing
  // (mini-istiod writes nothing until a push's translation loop ends): stretch it to 1.5 pushes.
  const longestPush = Math.max(0, ...server.pushes().map((p) => p.durationMs));
  const quietMs = Math.max(ctx.quietMs, Math.round(1.5 * longestPush));
  await client.drain(quietMs * 2, ctx.timeoutMs);
  const cpu0 = cpuSeconds(server.pid);
  const counters0 = await server.counters();
  const sampler = new RssSampler(server.pid);
  if (markFirst) await client.mark();
  const started = performance.now();
  const sinceIso = new Date().toISOString();
  const applied = (await apply()) ?? {};
  const report: SettleReport = await client.settle(quietMs, ctx.timeoutMs, requireComplete);
  const wallMs = performance.now() - started;
  const cpu1 = cpuSeconds(server.pid);
  const peak = sampler.stop();
  const counters1 = await server.counters();
  const pushes = server.pushes().filter((p) => p.time >= sinceIso);
  const result: ScenarioResult = {
    name,
    wallMs: round(wallMs, 0),
    convergenceMs: report.convergenceMs,
    affectedProxies: report.affected,
    serverCpuSeconds: round(cpu1 - cpu0),
    peakRssMB: round(peak / MB, 1),
    steadyRssMB: round(rssBytes(server.pid) / MB, 1),
    steadyHeapMB:
      counters1.heapUsedBytes === undefined ? undefined : round(counters1.heapUsedBytes / MB, 1),
    serverBytesSent: counters1.bytesSent - counters0.bytesSent,
    clientBytesReceived: report.bytesReceived,
    largestResponseBytes: report.largestResponse,
    responsesByType: report.responsesByType,
    nacks: report.nacks,
    incompleteProxies: report.incomplete,
    streamErrors: report.streamErrors,
    timedOut: report.timedOut,
  };
  if (server.name === 'mini-istiod') {
    result.pushes = pushes.length;
    result.endpointOnlyPushes = pushes.filter((p) => p.endpointOnly).length;
    result.pushesSkippedProxies = pushes.reduce((n, p) => n + (p.proxies - p.changedProxies), 0);
    result.pushDurationMsMax = round(Math.max(0, ...pushes.map((p) => p.durationMs)), 0);
  }
  if (applied.changes !== undefined && applied.lastChangeAfterMs !== undefined) {
    const seconds = applied.lastChangeAfterMs / 1000;
    result.churn = {
      changes: applied.changes,
      seconds: round(seconds, 1),
      serverCpuCores: round((cpu1 - cpu0) / (wallMs / 1000)),
      drainMs: round(Math.max(0, report.convergenceMs.max - applied.lastChangeAfterMs), 0),
    };
  }
  return result;
}

/** Calls `step(i)` at `ratePerSec` for `count` steps (drift-corrected); resolves after the last. */
export async function atRate(
  count: number,
  ratePerSec: number,
  step: (i: number) => Promise<void>,
): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / ratePerSec;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await step(i);
  }
  return performance.now() - start;
}

export async function connectStorm(
  ctx: ScenarioContext,
  mode: XdsMode,
  nodes: SimulatedNode[],
): Promise<ScenarioResult> {
  // connect marks the client itself, just before the first stream opens.
  return runScenario(
    ctx,
    'connect-storm',
    () => ctx.client.connect(ctx.server.target, mode, nodes),
    false,
  );
}

export async function reconnectStorm(ctx: ScenarioContext): Promise<ScenarioResult> {
  return runScenario(ctx, 'reconnect-storm', () => ctx.client.reconnect(), false);
}
