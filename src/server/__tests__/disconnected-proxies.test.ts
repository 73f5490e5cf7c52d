// Reconnecting proxies: a proxy whose last stream closed keeps its snapshot for a while, and the
// same node reconnecting before any push is served that very snapshot without a translation;
// another node, a push in between, or an expired entry mean a fresh translation.
import { create } from '@bufbuild/protobuf';
import { NodeSchema, type Node } from '../../gen/envoy/config/core/v3/base_pb.js';
import { buildPushContext } from '../../model/build-push-context.js';
import { DEFAULT_MESH_CONFIG } from '../../model/config.js';
import { BOOKINFO, PRODUCTPAGE } from '../../translate/__tests__/world.js';
import type { ConnectedProxy } from '../connected-proxy.js';
import { DiscoveryServer } from '../discovery-server.js';
import { DisconnectedProxies } from '../disconnected-proxies.js';
import type { Snapshot } from '../../xds/snapshot-cache.js';
import { MemorySource } from './support/memory-source.js';
import { ConfigStore } from '../../model/config-store.js';
import { ROUTE_TYPE } from '../../xds/type-urls.js';

function nodeOf(labels: Record<string, string>): Node {
  const fields = Object.fromEntries(
    Object.entries(labels).map(([k, v]) => [
      k,
      { kind: { case: 'stringValue' as const, value: v } },
    ]),
  );
  return create(NodeSchema, {
    id: PRODUCTPAGE,
    metadata: { fields: { LABELS: { kind: { case: 'structValue', value: { fields } } } } },
  });
}

describe('DisconnectedProxies', () => {
  const pushA = buildPushContext(new ConfigStore().snapshot(), DEFAULT_MESH_CONFIG, 'a');
  const pushB = buildPushContext(new ConfigStore().snapshot(), DEFAULT_MESH_CONFIG, 'b');
  const snapshot: Snapshot = new Map();
  const connectedOn = (node: Node): ConnectedProxy =>
    ({ node, streams: 0, pushSeq: 1, push: pushA }) as unknown as ConnectedProxy;

  it('gives back the kept snapshot to the same node before any push, once', () => {
    const kept = new DisconnectedProxies(10_000);
    const node = nodeOf({ app: 'productpage' });
    kept.keep(PRODUCTPAGE, connectedOn(node), snapshot);
    expect(kept.size).toBe(1);
    expect(kept.resume(nodeOf({ app: 'productpage' }), pushA)?.snapshot).toBe(snapshot);
    expect(kept.resume(node, pushA)).toBeUndefined();
    kept.stop();
  });

  it('refuses another node, a later push, and keeps nothing when off', () => {
    const kept = new DisconnectedProxies(10_000);
    kept.keep(PRODUCTPAGE, connectedOn(nodeOf({ app: 'productpage' })), snapshot);
    expect(kept.resume(nodeOf({ app: 'productpage', version: 'v2' }), pushA)).toBeUndefined();
    kept.keep(PRODUCTPAGE, connectedOn(nodeOf({ app: 'productpage' })), snapshot);
    expect(kept.resume(nodeOf({ app: 'productpage' }), pushB)).toBeUndefined();
    expect(kept.size).toBe(0);
    const off = new DisconnectedProxies(0);
    off.keep(PRODUCTPAGE, connectedOn(nodeOf({})), snapshot);
    expect(off.size).toBe(0);
    kept.stop();
  });

  it('forgets every entry when cleared (a new push context was built)', () => {
    const kept = new DisconnectedProxies(10_000);
    kept.keep(PRODUCTPAGE, connectedOn(nodeOf({})), snapshot);
    kept.clear();
    expect(kept.size).toBe(0);
    expect(kept.resume(nodeOf({}), pushA)).toBeUndefined();
    kept.stop();
  });

  it('forgets entries once they expire', async () => {
    const kept = new DisconnectedProxies(20);
    kept.keep(PRODUCTPAGE, connectedOn(nodeOf({})), snapshot);
    await new Promise((r) => setTimeout(r, 60));
    expect(kept.size).toBe(0);
    expect(kept.resume(nodeOf({}), pushA)).toBeUndefined();
    kept.stop();
  });
});

describe('DiscoveryServer reconnects', () => {
  let server: DiscoveryServer;
  let source: MemorySource;
  const lines: string[] = [];
  type Hooks = { onStreamOpen(node: Node): string; onStreamClose(nodeId: string): void };
  let hooks: Hooks;

  beforeAll(async () => {
    source = new MemorySource(new Map([['world', BOOKINFO]]));
    server = new DiscoveryServer({
      sources: [source],
      debounceMs: 5,
      debounceMaxMs: 20,
      log: (l) => lines.push(l),
    });
    await server.start();
    hooks = server as unknown as Hooks;
  });

  afterAll(async () => {
    await server.stop();
  });

  const reconnectsKept = (): number =>
    lines.filter((l) => l.startsWith(`proxy reconnected: ${PRODUCTPAGE}`)).length;

  it('serves a proxy reconnecting before any push its kept snapshot', () => {
    hooks.onStreamOpen(nodeOf({ app: 'productpage', version: 'v1' }));
    const first = server.cache.getSnapshot(PRODUCTPAGE);
    expect(first?.size).toBeGreaterThan(0);
    hooks.onStreamClose(PRODUCTPAGE);
    expect(server.cache.getSnapshot(PRODUCTPAGE)).toBeUndefined();
    hooks.onStreamOpen(nodeOf({ app: 'productpage', version: 'v1' }));
    expect(server.cache.getSnapshot(PRODUCTPAGE)).toBe(first);
    expect(reconnectsKept()).toBe(1);
  });

  it('translates a proxy that reconnects after a push', async () => {
    const before = server.cache.getSnapshot(PRODUCTPAGE);
    hooks.onStreamClose(PRODUCTPAGE);
    const pushes = server.history.total;
    source.set(
      'vs',
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews}}], timeout: 3s}]`,
    );
    while (server.history.total === pushes) await new Promise((r) => setTimeout(r, 5));
    hooks.onStreamOpen(nodeOf({ app: 'productpage', version: 'v1' }));
    const after = server.cache.getSnapshot(PRODUCTPAGE);
    const route = (s: Snapshot | undefined): string | undefined =>
      s?.get(ROUTE_TYPE)?.get('9080')?.version;
    // Translated with the new push: the route config has the VirtualService's timeout now.
    expect(route(after)).toBeDefined();
    expect(route(after)).not.toBe(route(before));
    expect(reconnectsKept()).toBe(1);
  });
});
