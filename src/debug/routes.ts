// Debug endpoints. Each returns plain data (JSON) built from the discovery server's state; the
// CLI (proxy-status, proxy-config) reads exactly these shapes.
import { formatConfigError } from '../model/validation/types.js';
import type { DiscoveryServer } from '../server/discovery-server.js';
import { configDumpJson } from '../translate/config-dump.js';
import { describeWorkload } from './describe.js';
import { serverMetrics } from './metrics.js';
import { ackTracker } from './sync-diff.js';
import { syncStatus } from './sync-status.js';

export interface DebugResponse {
  status: number;
  body: unknown;
  contentType?: string;
}

const json = (body: unknown): DebugResponse => ({ status: 200, body });

/** `<pod>.<ns>` or a full node id. */
function findProxy(d: DiscoveryServer, id: string | null) {
  if (!id) return undefined;
  return d.connectedProxies().find((p) => p.nodeId === id || p.proxy.name === id);
}

export function debugRoutes(d: DiscoveryServer): Map<string, (url: URL) => DebugResponse> {
  const routes = new Map<string, (url: URL) => DebugResponse>();
  routes.set('/debug', () => json({ endpoints: ['/ready', ...[...routes.keys()].sort()] }));
  routes.set('/debug/syncz', () => json(syncStatus(d)));
  routes.set('/debug/config_dump', (url) => {
    const id = url.searchParams.get('proxyID');
    // Translated on demand (the server keeps only encoded snapshots): read it once.
    const resources = findProxy(d, id)?.resources;
    if (!resources) {
      return {
        status: 404,
        body: `proxy ${JSON.stringify(id)} is not connected; see /debug/syncz\n`,
      };
    }
    return json(configDumpJson(resources));
  });
  routes.set('/debug/configz', () =>
    json({
      version: d.store.currentVersion(),
      resources: Object.entries(d.store.snapshot()).flatMap(([, list]) =>
        (
          list as { kind: string; metadata: { namespace: string; name: string }; source: unknown }[]
        ).map((r) => ({
          kind: r.kind,
          namespace: r.metadata.namespace,
          name: r.metadata.name,
          source: r.source,
        })),
      ),
      errors: d.store.errors().map((e) => ({ ...e, text: formatConfigError(e) })),
    }),
  );
  routes.set('/debug/registryz', () => {
    const push = d.pushContext;
    return json(
      push.services.map((s) => ({
        ...s,
        endpoints: s.ports.map((p) => ({
          port: p.port,
          endpoints: push.endpoints(s.hostname, p.port, s.namespace).map((e) => ({
            address: e.address,
            port: e.port,
            labels: e.labels,
            healthy: e.healthy,
            tlsMode: e.tlsMode,
            workload: e.workloadName,
          })),
        })),
      })),
    );
  });
  routes.set('/debug/push_status', () =>
    json({
      totalPushes: d.history.total,
      recent: d.history.recent(),
      counters: d.status.counters,
      // Process memory (bytes): heapUsed vs rss separates live JS objects from heap capacity
      // V8 has not returned yet and native buffers (benchmarks read it).
      memory: process.memoryUsage(),
    }),
  );
  // Collectors subscribe now, when the server starts, so they see every event of the run.
  const metrics = serverMetrics(d);
  const acks = ackTracker(d);
  routes.set('/metrics', () => ({
    status: 200,
    body: metrics.render(),
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
  }));
  routes.set('/debug/sync_diff', (url) => {
    const id = url.searchParams.get('proxyID') ?? '';
    const diffs = acks.diff(id);
    if (diffs.length === 0) {
      return {
        status: 404,
        body: `proxy ${JSON.stringify(id)} is not connected; see /debug/syncz\n`,
      };
    }
    return json(diffs);
  });
  routes.set('/debug/describe', (url) => {
    const id = url.searchParams.get('proxyID') ?? '';
    const found = describeWorkload(d, id);
    if (!found) {
      return { status: 404, body: `no workload or connected proxy ${JSON.stringify(id)}\n` };
    }
    return json(found);
  });
  return routes;
}
