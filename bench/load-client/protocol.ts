// Messages between the benchmark driver and the load-client process (Node IPC).

export interface SimulatedNode {
  id: string;
  metadata: Record<string, unknown>;
}

export type XdsMode = 'sotw' | 'delta';

export type ClientCommand =
  | { cmd: 'connect'; target: string; mode: XdsMode; nodes: SimulatedNode[] }
  | { cmd: 'mark' }
  | { cmd: 'settle'; quietMs: number; timeoutMs: number; requireComplete: boolean }
  | { cmd: 'reconnect' }
  | { cmd: 'drain'; quietMs: number; timeoutMs: number }
  | { cmd: 'usage' }
  | { cmd: 'exit' };

export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** What the proxies saw between `mark` and the end of `settle`. */
export interface SettleReport {
  /** Proxies that received at least one response after the mark. */
  affected: number;
  /** Mark → the proxy's last ACK, in ms, over affected proxies. */
  convergenceMs: Distribution;
  responsesByType: Record<string, number>;
  bytesReceived: number;
  largestResponse: number;
  nacks: number;
  /** Proxies still missing a resource they subscribed to (EDS or RDS name never answered). */
  incomplete: number;
  /** Streams that ended with an error since the mark. */
  streamErrors: number;
  timedOut: boolean;
}

export interface UsageReport {
  cpuSeconds: number;
  rssBytes: number;
}

export type ClientReply =
  | { reply: 'connected' }
  | { reply: 'marked' }
  | { reply: 'settled'; report: SettleReport }
  | { reply: 'reconnected' }
  | { reply: 'drained'; waitedMs: number }
  | { reply: 'usage'; usage: UsageReport }
  | { reply: 'error'; message: string };
