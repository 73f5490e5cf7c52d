// Gateway cluster filtering (istiod's PILOT_FILTER_GATEWAY_CLUSTER_CONFIG): the ingress gateway of
// the gateway-tls golden world keeps only the clusters of the services its VirtualServices route
// to; sidecars are untouched; the switch reads istiod's environment variable. The server's
// in-translation narrowing (gatewayTranslateOptions) equals filtering a full translation.
import { toBinary } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { parseProxy } from '../../model/proxy-identity.js';
import { withoutMemo } from '../../translate/cache/push-memo.js';
import type { ProxyResources } from '../../translate/types.js';
import { pushContextFromYaml } from '../../model/testing/snapshot-from-yaml.js';
import { BOOKINFO, GATEWAY, PRODUCTPAGE, testdata } from '../../translate/__tests__/world.js';
import { translateProxy } from '../../translate/translate-proxy.js';
import { parseSubsetKey } from '../../translate/common/cluster-name.js';
import {
  filterGatewayClusters,
  filterGatewayClustersFromEnv,
  gatewayDestinationHosts,
  gatewayTranslateOptions,
} from '../gateway-cluster-filter.js';

const push = pushContextFromYaml([BOOKINFO, testdata('in', 'gateway-tls.yaml')].join('\n---\n'));

function proxyOf(nodeId: string) {
  const parsed = parseProxy(nodeId, {}, push);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const hostOf = (name: string): string | undefined => parseSubsetKey(name)?.host;

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

describe('gateway cluster filtering', () => {
  it('collects the destination hosts of the VirtualServices bound to the gateway', () => {
    const hosts = [...gatewayDestinationHosts(proxyOf(GATEWAY), push)].sort();
    expect(hosts).toContain('productpage.default.svc.cluster.local');
    expect(hosts).not.toContain('ratings.default.svc.cluster.local');
  });

  it('keeps only routed services (and non-service clusters) for the gateway', () => {
    const gateway = proxyOf(GATEWAY);
    const full = translateProxy(gateway, push);
    const filtered = filterGatewayClusters(gateway, push, full);
    const hosts = gatewayDestinationHosts(gateway, push);
    expect(full.clusters.some((c) => hostOf(c.name) === 'ratings.default.svc.cluster.local')).toBe(
      true,
    );
    expect(filtered.clusters.length).toBeLessThan(full.clusters.length);
    expect(filtered.clusters.map((c) => c.name)).toContain('BlackHoleCluster');
    for (const c of filtered.clusters) {
      const host = hostOf(c.name);
      if (host !== undefined) expect(hosts.has(host)).toBe(true);
    }
    expect(filtered.clusters.map((c) => c.name)).toContain(
      'outbound|9080||productpage.default.svc.cluster.local',
    );
    expect(filtered.endpoints.map((e) => e.clusterName)).toEqual(
      full.endpoints.map((e) => e.clusterName).filter((n) => hosts.has(hostOf(n) ?? '')),
    );
    // Listeners and routes are not touched.
    expect(filtered.listeners).toBe(full.listeners);
    expect(filtered.routes).toBe(full.routes);
  });

  it('narrows during translation exactly as filtering a full translation does', () => {
    for (const nodeId of [GATEWAY, PRODUCTPAGE]) {
      const proxy = proxyOf(nodeId);
      const reference = withoutMemo(() =>
        filterGatewayClusters(proxy, push, translateProxy(proxy, push)),
      );
      const narrowed = translateProxy(proxy, push, gatewayTranslateOptions(proxy, push));
      expect({ nodeId, resources: bytesOf(narrowed) }).toEqual({
        nodeId,
        resources: bytesOf(reference),
      });
    }
    expect(gatewayTranslateOptions(proxyOf(PRODUCTPAGE), push)).toEqual({});
  });

  it('leaves sidecars unchanged', () => {
    const sidecar = proxyOf(PRODUCTPAGE);
    const full = translateProxy(sidecar, push);
    expect(filterGatewayClusters(sidecar, push, full)).toBe(full);
  });

  it('is switched by PILOT_FILTER_GATEWAY_CLUSTER_CONFIG, off by default', () => {
    expect(filterGatewayClustersFromEnv({})).toBe(false);
    expect(filterGatewayClustersFromEnv({ PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: 'true' })).toBe(
      true,
    );
    expect(filterGatewayClustersFromEnv({ PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: 'false' })).toBe(
      false,
    );
  });
});
