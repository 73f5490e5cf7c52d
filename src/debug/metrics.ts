// `/metrics` in the Prometheus text exposition format (version 0.0.4), with istiod's metric names
// where istiod has one, so dashboards and alerts written for istiod keep working:
//   pilot_xds{version}                      gauge     connected xDS streams by proxy version
//   pilot_xds_pushes{type}                  counter   responses sent, by cds/lds/eds/rds/sds
//   pilot_xds_push_time                     histogram seconds to rebuild and translate one push
//   pilot_proxy_convergence_time            histogram seconds from a response sent to its ACK
//   pilot_total_xds_rejects{type}           counter   NACKs, by type
//   pilot_xds_config_size_bytes{type}       histogram size of each response sent
//   pilot_services, pilot_virt_services     gauges    registry size and VirtualServices
//   pilot_k8s_cfg_events{type,event}        counter   config add/update/delete by kind
// plus process_* metrics. Histograms and event counts are collected from the moment the debug
// routes are built (serve builds them before loading config), so they cover the whole run.
import type { DiscoveryServer } from '../server/discovery-server.js';
import { TYPE_KEYS } from './sync-status.js';

type Labels = Record<string, string>;

/** istiod's buckets for pilot_xds_push_time and pilot_proxy_convergence_time (seconds). */
const TIME_BUCKETS = [0.1, 0.5, 1, 3, 5, 10, 20, 30];
/** istiod's buckets for pilot_xds_config_size_bytes. */
const SIZE_BUCKETS = [1, 10_000, 1_000_000, 4_000_000, 10_000_000, 40_000_000];

const labelKey = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k])}"`)
    .join(',');

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function sample(name: string, key: string, value: number): string {
  return `${name}${key ? `{${key}}` : ''} ${Number.isFinite(value) ? value : 0}`;
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();

  constructor(private readonly buckets: readonly number[]) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]++;
    });
    s.sum += value;
    s.count++;
  }

  render(name: string): string[] {
    const out: string[] = [];
    for (const [key, s] of [...this.series].sort(([a], [b]) => a.localeCompare(b))) {
      const withLe = (le: string) => (key ? `${key},le="${le}"` : `le="${le}"`);
      this.buckets.forEach((b, i) =>
        out.push(sample(`${name}_bucket`, withLe(String(b)), s.counts[i])),
      );
      out.push(sample(`${name}_bucket`, withLe('+Inf'), s.count));
      out.push(sample(`${name}_sum`, key, s.sum));
      out.push(sample(`${name}_count`, key, s.count));
    }
    return out;
  }
}

const SHORT_TYPE = new Map<string, string>(Object.entries(TYPE_KEYS).map(([k, v]) => [v, k]));
/** istiod labels xDS metrics with the short type name (cds, lds...); unknown types keep their URL. */
export const shortType = (typeUrl: string): string => SHORT_TYPE.get(typeUrl) ?? typeUrl;

/** Everything observed over time; gauges and counters are read from the server when rendered. */
export class ServerMetrics {
  readonly pushTime = new Histogram(TIME_BUCKETS);
  readonly convergence = new Histogram(TIME_BUCKETS);
  readonly configSize = new Histogram(SIZE_BUCKETS);
  readonly configEvents = new Map<string, number>();
  private readonly knownKeys = new Set<string>();

  constructor(private readonly d: DiscoveryServer) {
    d.history.onRecord((r) => this.pushTime.observe(r.durationMs / 1000));
    d.status.on('sent', (_conn, t) => {
      if (t.lastSent) this.configSize.observe(t.lastSent.bytes, { type: shortType(t.typeUrl) });
    });
    d.status.on('ack', (_conn, t) => {
      if (!t.lastSent || !t.lastAck || t.lastAck.nonce !== t.lastSent.nonce) return;
      const seconds = (t.lastAck.time.getTime() - t.lastSent.time.getTime()) / 1000;
      this.convergence.observe(seconds);
    });
    d.onStoreChange((change) => {
      for (const key of change.changedKeys) {
        const [kind, namespace, ...rest] = key.split('/');
        const present = d.store.get(kind, namespace, rest.join('/')) !== undefined;
        const event = !present ? 'delete' : this.knownKeys.has(key) ? 'update' : 'add';
        if (present) this.knownKeys.add(key);
        else this.knownKeys.delete(key);
        const k = labelKey({ type: kind, event });
        this.configEvents.set(k, (this.configEvents.get(k) ?? 0) + 1);
      }
    });
  }

  render(): string {
    const d = this.d;
    const lines: string[] = [];
    const family = (name: string, type: string, help: string, samples: string[]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
    };
    const byVersion = new Map<string, number>();
    const versions = new Map(d.connectedProxies().map((p) => [p.nodeId, p.proxy.istioVersion]));
    for (const conn of d.status.list()) {
      const v = versions.get(conn.nodeId) ?? 'unknown';
      byVersion.set(v, (byVersion.get(v) ?? 0) + 1);
    }
    const counterByType = (counts: Record<string, number>) =>
      Object.entries(counts)
        .map(([t, n]) => [shortType(t), n] as const)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([t, n]) => sample('', labelKey({ type: t }), n));
    const named = (name: string, rows: string[]) => rows.map((r) => `${name}${r}`);

    family(
      'pilot_xds',
      'gauge',
      'Number of endpoints connected to this pilot using XDS.',
      [...byVersion]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([v, n]) => sample('pilot_xds', labelKey({ version: v }), n)),
    );
    family(
      'pilot_xds_pushes',
      'counter',
      'Pilot build and send errors for lds, rds, cds and eds.',
      named('pilot_xds_pushes', counterByType(d.status.counters.pushesByType)),
    );
    family(
      'pilot_total_xds_rejects',
      'counter',
      'Total number of XDS responses from pilot rejected by proxy.',
      named('pilot_total_xds_rejects', counterByType(d.status.counters.nacksByType)),
    );
    family(
      'pilot_xds_push_time',
      'histogram',
      'Total time in seconds Pilot takes to rebuild and translate the config of one push.',
      this.pushTime.render('pilot_xds_push_time'),
    );
    family(
      'pilot_proxy_convergence_time',
      'histogram',
      'Delay in seconds between a config response being sent and the proxy acknowledging it.',
      this.convergence.render('pilot_proxy_convergence_time'),
    );
    family(
      'pilot_xds_config_size_bytes',
      'histogram',
      'Distribution of configuration sizes pushed to clients.',
      this.configSize.render('pilot_xds_config_size_bytes'),
    );
    family('pilot_services', 'gauge', 'Total services known to pilot.', [
      sample('pilot_services', '', d.pushContext.services.length),
    ]);
    family('pilot_virt_services', 'gauge', 'Total virtual services known to pilot.', [
      sample('pilot_virt_services', '', d.pushContext.snapshot.virtualServices.length),
    ]);
    family(
      'pilot_k8s_cfg_events',
      'counter',
      'Events from the config sources, by kind and event.',
      [...this.configEvents]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => sample('pilot_k8s_cfg_events', k, n)),
    );
    family('pilot_invalid_configs', 'gauge', 'Resources rejected by validation.', [
      sample(
        'pilot_invalid_configs',
        '',
        d.store.errors().filter((e) => e.severity === 'Error').length,
      ),
    ]);
    family('pilot_xds_push_count', 'counter', 'Pushes (debounced config changes) done.', [
      sample('pilot_xds_push_count', '', d.history.total),
    ]);
    family('pilot_xds_bytes_sent_total', 'counter', 'Bytes written to xDS streams.', [
      sample('pilot_xds_bytes_sent_total', '', d.status.counters.bytesSent),
    ]);
    lines.push(...processMetrics());
    return `${lines.join('\n')}\n`;
  }
}

function processMetrics(): string[] {
  const startedAt = Date.now() - process.uptime() * 1000;
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return [
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    sample('process_cpu_seconds_total', '', (cpu.user + cpu.system) / 1e6),
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    sample('process_resident_memory_bytes', '', mem.rss),
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    sample('process_start_time_seconds', '', Math.floor(startedAt / 1000)),
    '# HELP nodejs_heap_used_bytes V8 heap in use.',
    '# TYPE nodejs_heap_used_bytes gauge',
    sample('nodejs_heap_used_bytes', '', mem.heapUsed),
  ];
}

const attached = new WeakMap<DiscoveryServer, ServerMetrics>();

/** The one collector of a server (created, and subscribed, on first use). */
export function serverMetrics(d: DiscoveryServer): ServerMetrics {
  let m = attached.get(d);
  if (!m) attached.set(d, (m = new ServerMetrics(d)));
  return m;
}
