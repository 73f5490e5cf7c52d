// Measures how long a config change takes to show in a running grpc-go client's traffic. The
// client issues RPCs at a fixed rate; each probe asks its stats service for the NEXT `batch` RPCs,
// so a probe that satisfies `changed` proves the new config was in force when the probe began.
// The reported time is write → start of that probe: its resolution is one batch (batch / qps).
import { performance } from 'node:perf_hooks';
import type { GrpcGoXdsClient, LoadBalancerStats } from '../support/grpc-go-client.js';

export interface Observed {
  /** From the file write (`since`) to the start of the first probe showing the change. */
  ms: number;
  probes: number;
  /** Failed RPCs over all probes: a routing switch should fail none. */
  failures: number;
  stats: LoadBalancerStats;
}

export async function observeChange(
  client: GrpcGoXdsClient,
  since: number,
  changed: (s: LoadBalancerStats) => boolean,
  opts: { batch?: number; timeoutMs?: number; what?: string } = {},
): Promise<Observed> {
  const deadline = since + (opts.timeoutMs ?? 15_000);
  let probes = 0;
  let failures = 0;
  let last: LoadBalancerStats | undefined;
  for (;;) {
    const started = performance.now();
    const stats = await client.getClientStats(opts.batch ?? 20, 5);
    probes++;
    failures += stats.numFailures;
    if (changed(stats)) return { ms: started - since, probes, failures, stats };
    last = stats;
    if (performance.now() > deadline) {
      throw new Error(
        `${opts.what ?? 'change'} not observed after ${probes} probes; last ${JSON.stringify(last)}`,
      );
    }
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Total RPCs a stats sample covers, failures included. */
export function total(s: LoadBalancerStats): number {
  return Object.values(s.rpcsByPeer).reduce((a, b) => a + b, 0) + s.numFailures;
}
