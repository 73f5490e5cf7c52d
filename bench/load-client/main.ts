// The load-client process: simulates many proxies against one xDS server and answers the
// driver's commands over Node IPC. It runs apart from the driver and the server so its own CPU
// can be measured and reported (see `usage`).
import type {
  ClientCommand,
  ClientReply,
  Distribution,
  SettleReport,
  XdsMode,
} from './protocol.js';
import { emptyStats, SimulatedProxy } from './simulated-proxy.js';

let proxies: SimulatedProxy[] = [];
let markAt = performance.now();
let lastActivity = performance.now();

const touch = (): void => {
  lastActivity = performance.now();
};

function send(reply: ClientReply): void {
  process.send?.(reply);
}

export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]),
  };
}

function report(timedOut: boolean): SettleReport {
  const convergence: number[] = [];
  const byType: Record<string, number> = {};
  let bytes = 0;
  let largest = 0;
  let nacks = 0;
  let errors = 0;
  let incomplete = 0;
  for (const p of proxies) {
    const s = p.stats;
    if (s.responsesSinceMark > 0) convergence.push(s.lastAckAt - markAt);
    for (const [t, n] of s.responsesByType) {
      const short = t.slice(t.lastIndexOf('.') + 1);
      byType[short] = (byType[short] ?? 0) + n;
    }
    bytes += s.bytesReceived;
    largest = Math.max(largest, s.largestResponse);
    nacks += s.nacks;
    errors += s.streamErrors;
    if (!p.complete) incomplete++;
  }
  return {
    affected: convergence.length,
    convergenceMs: distribution(convergence),
    responsesByType: byType,
    bytesReceived: bytes,
    largestResponse: largest,
    nacks,
    incomplete,
    streamErrors: errors,
    timedOut,
  };
}

/**
 * Waits until at least one response arrived after the mark and then nothing arrived for
 * `quietMs` (a server may compute for a long time before its first write), or the timeout.
 * With `requireComplete` (connect storms, where every proxy must end up with full config) it
 * also waits until every proxy holds every resource it subscribed to.
 */
async function settle(
  quietMs: number,
  timeoutMs: number,
  requireComplete: boolean,
): Promise<SettleReport> {
  const deadline = markAt + timeoutMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, Math.min(100, quietMs)));
    const now = performance.now();
    const anyResponse = lastActivity > markAt;
    const quiet = anyResponse && now - lastActivity >= quietMs;
    if (quiet && (!requireComplete || proxies.every((p) => p.complete))) return report(false);
    if (now >= deadline) return report(true);
  }
}

function mark(): void {
  markAt = performance.now();
  for (const p of proxies) p.stats = emptyStats();
}

async function handle(msg: ClientCommand): Promise<void> {
  switch (msg.cmd) {
    case 'connect': {
      mark();
      const mode: XdsMode = msg.mode;
      proxies = msg.nodes.map((n) => new SimulatedProxy(msg.target, mode, n, touch));
      for (const p of proxies) p.start();
      send({ reply: 'connected' });
      return;
    }
    case 'mark':
      mark();
      send({ reply: 'marked' });
      return;
    case 'settle':
      send({
        reply: 'settled',
        report: await settle(msg.quietMs, msg.timeoutMs, msg.requireComplete),
      });
      return;
    case 'drain': {
      // Before a change: wait out the previous scenario's traffic, so that its late responses
      // are not mistaken for the next change's.
      const started = performance.now();
      while (
        performance.now() - lastActivity < msg.quietMs &&
        performance.now() - started < msg.timeoutMs
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      send({ reply: 'drained', waitedMs: Math.round(performance.now() - started) });
      return;
    }
    case 'reconnect':
      for (const p of proxies) p.stop();
      mark();
      for (const p of proxies) p.start();
      send({ reply: 'reconnected' });
      return;
    case 'usage': {
      const u = process.cpuUsage();
      send({
        reply: 'usage',
        usage: { cpuSeconds: (u.user + u.system) / 1e6, rssBytes: process.memoryUsage().rss },
      });
      return;
    }
    case 'exit':
      for (const p of proxies) p.stop();
      process.exit(0);
  }
}

process.on('message', (msg: ClientCommand) => {
  handle(msg).catch((err: unknown) =>
    send({ reply: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
