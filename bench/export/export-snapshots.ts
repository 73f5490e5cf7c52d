// Export mode for the baseline: translates every simulated proxy against a config directory
// exactly as the server does on a push (parseProxy → translateProxy → shared encoded resources)
// and returns the per-node snapshots, ready for writeSnapshotSet.
import { DEFAULT_MESH_CONFIG } from '../../src/model/config.js';
import { ConfigStore } from '../../src/model/config-store.js';
import { buildPushContext } from '../../src/model/build-push-context.js';
import { parseProxy } from '../../src/model/proxy-identity.js';
import {
  filterGatewayClusters,
  filterGatewayClustersFromEnv,
} from '../../src/server/gateway-cluster-filter.js';
import { ResourceInterner, snapshotOf } from '../../src/server/proxy-snapshot.js';
import { loadConfigPaths } from '../../src/sources/file/load-config-paths.js';
import { translateProxy } from '../../src/translate/translate-proxy.js';
import type { Snapshot } from '../../src/xds/snapshot-cache.js';
import type { MeshNode } from '../mesh/mesh-generator.js';

export interface ExportResult {
  snapshots: Map<string, Snapshot>;
  /** Store validation errors (a valid generated mesh has none). */
  errors: number;
  translateMs: number;
}

export async function exportSnapshots(
  configDir: string,
  nodes: readonly MeshNode[],
): Promise<ExportResult> {
  const store = new ConfigStore();
  store.apply(await loadConfigPaths([configDir]));
  const push = buildPushContext(
    store.snapshot(),
    DEFAULT_MESH_CONFIG,
    String(store.currentVersion()),
  );
  const started = performance.now();
  const interner = new ResourceInterner();
  const snapshots = new Map<string, Snapshot>();
  const filterGateway = filterGatewayClustersFromEnv();
  for (const node of nodes) {
    const parsed = parseProxy(node.id, node.metadata, push);
    if (!parsed.ok) throw new Error(parsed.error);
    const translated = translateProxy(parsed.value, push);
    const resources = filterGateway
      ? filterGatewayClusters(parsed.value, push, translated)
      : translated;
    snapshots.set(node.id, snapshotOf(resources, interner));
  }
  return {
    snapshots,
    errors: store.errors().filter((e) => e.severity === 'Error').length,
    translateMs: performance.now() - started,
  };
}
