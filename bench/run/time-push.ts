// In-process timing of the push pipeline at bench scale, without gRPC or the load client:
// builds the generated mesh, "connects" every simulated node (translation + snapshot, as on a
// stream open), then applies the VirtualService, DestinationRule, one endpoint and the mesh-wide
// change and reports each push's record (duration, proxies changed / fast-pathed) plus the time
// of a bare buildPushContext. For quick iterations on per-push work and memory:
//   node dist-bench/bench/run/time-push.js [--services N --namespaces M --proxies P]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node } from '../../src/gen/envoy/config/core/v3/base_pb.js';
import { buildPushContext } from '../../src/model/build-push-context.js';
import { DiscoveryServer } from '../../src/server/discovery-server.js';
import { loadConfigPaths } from '../../src/sources/file/load-config-paths.js';
import type { ConfigSource, SourceUpdate } from '../../src/sources/types.js';
import {
  destinationRuleChange,
  endpointChurnStep,
  meshWideChange,
  virtualServiceWeightChange,
  type FileChanges,
} from '../mesh/mesh-changes.js';
import { generateMesh, type PodInfo } from '../mesh/mesh-generator.js';
import { formatResourceStats, resourceStats } from './resource-stats.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Files in a directory, delivered on start and on each `apply`. */
class DirSource implements ConfigSource {
  private onUpdate: ((u: SourceUpdate[]) => void) | undefined;
  constructor(private readonly dir: string) {}
  async start(onUpdate: (u: SourceUpdate[]) => void): Promise<void> {
    this.onUpdate = onUpdate;
    onUpdate(await loadConfigPaths([this.dir]));
  }
  async apply(changes: FileChanges): Promise<void> {
    const files = write(this.dir, changes);
    this.onUpdate?.(await loadConfigPaths(files));
  }
  async stop(): Promise<void> {}
}

function write(dir: string, changes: FileChanges): string[] {
  return [...changes].map(([rel, text]) => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  });
}

const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;

async function main(): Promise<void> {
  const mesh = generateMesh({
    services: arg('services', 1000),
    namespaces: arg('namespaces', 100),
    proxies: arg('proxies', 2000),
    versions: 2,
    sidecarScoping: true,
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mini-istiod-time-push-'));
  try {
    write(dir, mesh.files);
    const source = new DirSource(dir);
    const server = new DiscoveryServer({ sources: [source], debounceMs: 10, debounceMaxMs: 50 });
    await server.start();
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      buildPushContext(server.store.snapshot(), server.mesh, 'timing');
      console.log(`buildPushContext: ${(performance.now() - t).toFixed(0)} ms`);
    }
    // The stream-open hook the ADS server calls (bench only: no gRPC stream here).
    const open = (server as unknown as { onStreamOpen(node: Node): string }).onStreamOpen.bind(
      server,
    );
    let t = performance.now();
    for (const n of mesh.nodes) open({ id: n.id, metadata: n.metadata } as unknown as Node);
    console.log(`connect ${mesh.nodes.length} nodes: ${(performance.now() - t).toFixed(0)} ms`);
    console.log(formatResourceStats(resourceStats(server.cache)));
    const only = process.argv.includes('--only')
      ? process.argv[process.argv.indexOf('--only') + 1]
      : undefined;
    const report = async (name: string, changes: FileChanges): Promise<void> => {
      if (only !== undefined && !name.startsWith(only)) return;
      const before = server.history.total;
      t = performance.now();
      await source.apply(changes);
      while (server.history.total === before) await new Promise((r) => setTimeout(r, 5));
      const r = server.history.last();
      global.gc?.();
      console.log(
        `${name}: push ${r?.durationMs.toFixed(0)} ms, changed ${r?.changedProxies}, fast ${r?.fastPathProxies}, heap ${mb(process.memoryUsage().heapUsed)}, rss ${mb(process.memoryUsage().rss)}`,
      );
    };
    global.gc?.();
    console.log(
      `after connect: heap ${mb(process.memoryUsage().heapUsed)}, rss ${mb(process.memoryUsage().rss)}`,
    );
    await report('virtualservice-weight', virtualServiceWeightChange(mesh));
    await report('destinationrule-change', destinationRuleChange(mesh));
    await report('endpoint-change', endpointChurnStep(mesh, new Map<string, PodInfo[]>(), 0));
    await report('mesh-wide-change', meshWideChange());
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
