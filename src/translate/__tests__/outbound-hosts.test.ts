// TranslateOptions.outboundHosts: building outbound clusters only for some hosts must give what
// the gateway cluster filter gives after a full translation (every golden world's gateways and a
// bench-generated mesh), leave every cluster that is not per service alone (sidecars, proxyless
// gRPC), and never leak a restricted cluster list to an unrestricted or differently restricted
// translation within the same push.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { toBinary } from '@bufbuild/protobuf';
import { generateMesh } from '../../../bench/mesh/mesh-generator.js';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { parseProxy } from '../../model/proxy-identity.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { pushContextFromYaml } from '../../model/testing/snapshot-from-yaml.js';
import {
  filterGatewayClusters,
  gatewayDestinationHosts,
} from '../../server/gateway-cluster-filter.js';
import { parseSubsetKey } from '../common/cluster-name.js';
import { translateProxy, type TranslateOptions } from '../translate-proxy.js';
import type { ProxyResources } from '../types.js';
import { goldenConfigText } from './golden-case.js';
import { BOOKINFO, GATEWAY, PRODUCTPAGE, repoRoot } from './world.js';

function bytesOf(res: ProxyResources): string[] {
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  return [
    ...res.listeners.map((l) => `L ${l.name} ${b64(toBinary(ListenerSchema, l))}`),
    ...res.routes.map((r) => `R ${r.name} ${b64(toBinary(RouteConfigurationSchema, r))}`),
    ...res.clusters.map((c) => `C ${c.name} ${b64(toBinary(ClusterSchema, c))}`),
    ...res.endpoints.map(
      (e) => `E ${e.clusterName} ${b64(toBinary(ClusterLoadAssignmentSchema, e))}`,
    ),
  ];
}

function proxyOf(push: PushContext, nodeId: string, metadata: Record<string, unknown> = {}): Proxy {
  const p = parseProxy(nodeId, metadata, push);
  if (!p.ok) throw new Error(p.error);
  return p.value;
}

/** "Build everything, then drop the outbound clusters (and assignments) of other hosts." */
function dropOtherHosts(res: ProxyResources, hosts: ReadonlySet<string>): ProxyResources {
  const keeps = (name: string): boolean => {
    const parsed = parseSubsetKey(name);
    return parsed === undefined || parsed.direction !== 'outbound' || hosts.has(parsed.host);
  };
  return {
    ...res,
    clusters: res.clusters.filter((c) => keeps(c.name)),
    endpoints: res.endpoints.filter((e) => keeps(e.clusterName)),
  };
}

/** The gateway filter's result equals narrowing during translation, for this gateway. */
function expectGatewayNarrowingMatches(push: PushContext, proxy: Proxy): number {
  const hosts = gatewayDestinationHosts(proxy, push);
  const reference = filterGatewayClusters(proxy, push, translateProxy(proxy, push));
  const narrowed = translateProxy(proxy, push, { outboundHosts: hosts });
  expect({ id: proxy.id, resources: bytesOf(narrowed) }).toEqual({
    id: proxy.id,
    resources: bytesOf(reference),
  });
  return narrowed.clusters.length;
}

const inDir = path.join(repoRoot, 'testdata', 'in');
const gatewayWorlds = readdirSync(inDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .filter((f) => goldenConfigText(inDir, f).yaml.includes('istio: ingressgateway'));

/** Gateway pods of a world, as router proxies. */
function gatewayNodes(push: PushContext): string[] {
  const out: string[] = [];
  for (const r of push.snapshot.kube) {
    const ip = (r.raw.status as { podIP?: string } | undefined)?.podIP;
    if (r.kind !== 'Pod' || !ip || r.metadata.labels?.istio !== 'ingressgateway') continue;
    const ns = r.metadata.namespace;
    out.push(`router~${ip}~${r.metadata.name}.${ns}~${ns}.svc.cluster.local`);
  }
  return out;
}

describe('outboundHosts', () => {
  it('has golden worlds with gateways to check', () => {
    expect(gatewayWorlds.length).toBeGreaterThan(0);
  });

  it.each(gatewayWorlds)('%s: equals the gateway cluster filter', (file) => {
    const push = pushContextFromYaml(goldenConfigText(inDir, file).yaml);
    const nodes = gatewayNodes(push);
    expect(nodes.length).toBeGreaterThan(0);
    for (const nodeId of nodes) expectGatewayNarrowingMatches(push, proxyOf(push, nodeId));
  });

  it('equals the gateway cluster filter for a bench-generated mesh', () => {
    const mesh = generateMesh({
      services: 30,
      namespaces: 5,
      proxies: 10,
      versions: 2,
      sidecarScoping: true,
      gatewayServices: 4,
    });
    const push = pushContextFromYaml([...mesh.files.values()].join('\n---\n'));
    const gateway = mesh.nodes.find((n) => n.id.startsWith('router~'));
    if (gateway === undefined) throw new Error('no gateway node');
    const proxy = proxyOf(push, gateway.id, gateway.metadata);
    const full = translateProxy(proxy, push);
    const kept = expectGatewayNarrowingMatches(push, proxy);
    // 4 of 30 services routed: most clusters are gone, BlackHoleCluster stays.
    expect(kept).toBeLessThan(full.clusters.length / 4);
    expect(full.clusters.map((c) => c.name)).toContain('BlackHoleCluster');
  });

  describe('within one push', () => {
    const push = pushContextFromYaml(BOOKINFO);
    const reviews = new Set(['reviews.default.svc.cluster.local']);
    const ratings = new Set([
      'ratings.default.svc.cluster.local',
      'details.default.svc.cluster.local',
    ]);

    it.each([
      ['gateway', GATEWAY],
      ['sidecar', PRODUCTPAGE],
    ] as const)('%s: any host set equals dropping the other hosts', (_kind, nodeId) => {
      const proxy = proxyOf(push, nodeId);
      const full = translateProxy(proxy, push);
      for (const hosts of [reviews, ratings, new Set<string>()]) {
        const narrowed = translateProxy(proxy, push, { outboundHosts: hosts });
        expect(bytesOf(narrowed)).toEqual(bytesOf(dropOtherHosts(full, hosts)));
      }
      // Restricted lists were memoized above: the unrestricted translation is still complete.
      expect(bytesOf(translateProxy(proxy, push))).toEqual(bytesOf(full));
      // Not per service: unaffected by an empty restriction.
      const none = translateProxy(proxy, push, { outboundHosts: new Set() });
      expect(none.clusters.every((c) => !c.name.startsWith('outbound|'))).toBe(true);
      expect(none.clusters.length).toBeGreaterThan(0);
    });

    it('restricts a proxyless gRPC client, requested names included', () => {
      const nodeId = 'sidecar~10.244.1.41~productpage-v1-0.default~default.svc.cluster.local';
      const proxy = proxyOf(push, nodeId, { GENERATOR: 'grpc' });
      const clusterNames = [
        'outbound|9080||reviews.default.svc.cluster.local',
        'outbound|9080||ratings.default.svc.cluster.local',
      ];
      const opts: TranslateOptions = { clusterNames };
      const full = translateProxy(proxy, push, opts);
      expect(full.clusters.map((c) => c.name)).toEqual(clusterNames.slice().sort());
      const narrowed = translateProxy(proxy, push, { ...opts, outboundHosts: reviews });
      expect(bytesOf(narrowed)).toEqual(bytesOf(dropOtherHosts(full, reviews)));
      expect(narrowed.clusters.map((c) => c.name)).toEqual([clusterNames[0]]);
    });
  });
});
