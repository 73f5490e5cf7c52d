// Gateway cluster filtering (istiod's PILOT_FILTER_GATEWAY_CLUSTER_CONFIG): the ingress gateway of
// the gateway-tls golden world keeps only the clusters of the services its VirtualServices route
// to; sidecars are untouched; the switch reads istiod's environment variable.
import { parseProxy } from '../../model/proxy-identity.js';
import { pushContextFromYaml } from '../../model/testing/snapshot-from-yaml.js';
import { BOOKINFO, GATEWAY, PRODUCTPAGE, testdata } from '../../translate/__tests__/world.js';
import { translateProxy } from '../../translate/translate-proxy.js';
import { parseSubsetKey } from '../../translate/common/cluster-name.js';
import {
  filterGatewayClusters,
  filterGatewayClustersFromEnv,
  gatewayDestinationHosts,
} from '../gateway-cluster-filter.js';

const push = pushContextFromYaml([BOOKINFO, testdata('in', 'gateway-tls.yaml')].join('\n---\n'));

function proxyOf(nodeId: string) {
  const parsed = parseProxy(nodeId, {}, push);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const hostOf = (name: string): string | undefined => parseSubsetKey(name)?.host;

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
