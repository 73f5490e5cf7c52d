// istiod's PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: a gateway gets clusters (and load assignments)
// only for the services its VirtualServices route to, instead of every service in the mesh.
// Off by default, as in istiod: a gateway then sees every visible service, which EnvoyFilters or
// routes added later may rely on. At 1,000 services the unfiltered gateway CDS is ~5.7 MiB.
// Like istiod, the host set is the exact destination hosts (route, mirror, TCP/TLS, delegates) of
// the VirtualServices bound to the proxy's Gateways; non-service clusters (BlackHole) are kept.
// The server narrows during translation (gatewayTranslateOptions: only those clusters are built
// and encoded); filterGatewayClusters narrows a full translation after the fact, the reference
// the in-translation narrowing must equal.
import type { Cluster } from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ClusterLoadAssignment } from '../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { ConfigResource } from '../model/config.js';
import type { Destination, VirtualServiceSpec } from '../model/istio-types.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { resolveShortName } from '../model/registry/hostnames.js';
import { labelsKey, memo } from '../translate/cache/push-memo.js';
import { parseSubsetKey } from '../translate/common/cluster-name.js';
import type { TranslateOptions } from '../translate/translate-proxy.js';
import type { ProxyResources } from '../translate/types.js';

/** Environment switch, named as istiod's feature flag. */
export const FILTER_GATEWAY_CLUSTERS_ENV = 'PILOT_FILTER_GATEWAY_CLUSTER_CONFIG';

export function filterGatewayClustersFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env[FILTER_GATEWAY_CLUSTERS_ENV] ?? '').toLowerCase() === 'true';
}

/** Every destination a VirtualService routes or mirrors to (http, tcp, tls), hosts as written. */
export function destinationsOf(spec: VirtualServiceSpec): Destination[] {
  const out: Destination[] = [];
  for (const r of spec.http ?? []) {
    for (const d of r.route ?? []) out.push(d.destination);
    if (r.mirror) out.push(r.mirror);
    for (const m of r.mirrors ?? []) out.push(m.destination);
  }
  for (const r of spec.tcp ?? []) for (const d of r.route ?? []) out.push(d.destination);
  for (const r of spec.tls ?? []) for (const d of r.route ?? []) out.push(d.destination);
  return out;
}

function addHosts(
  push: PushContext,
  vs: ConfigResource<VirtualServiceSpec>,
  hosts: Set<string>,
  seen: Set<ConfigResource<VirtualServiceSpec>>,
): void {
  if (seen.has(vs)) return;
  seen.add(vs);
  const ns = vs.metadata.namespace;
  for (const d of destinationsOf(vs.spec)) {
    if (d?.host) hosts.add(resolveShortName(d.host, ns, push.mesh.domainSuffix));
  }
  for (const r of vs.spec.http ?? []) {
    if (!r.delegate?.name) continue;
    const dns = r.delegate.namespace ?? ns;
    const delegate = push.snapshot.virtualServices.find(
      (v) => v.metadata.name === r.delegate?.name && v.metadata.namespace === dns,
    );
    if (delegate) addHosts(push, delegate, hosts, seen);
  }
}

/** Destination hosts of the VirtualServices bound to the gateway proxy's Gateways (per push). */
export function gatewayDestinationHosts(proxy: Proxy, push: PushContext): ReadonlySet<string> {
  return memo(push, `gateway-hosts|${proxy.namespace}|${labelsKey(proxy.labels)}`, () => {
    const hosts = new Set<string>();
    const seen = new Set<ConfigResource<VirtualServiceSpec>>();
    for (const gw of push.gatewaysFor(proxy.namespace, proxy.labels)) {
      const name = `${gw.metadata.namespace}/${gw.metadata.name}`;
      for (const vs of push.virtualServicesFor(proxy.namespace, name)) {
        addHosts(push, vs.resource, hosts, seen);
      }
    }
    return hosts;
  });
}

/** translateProxy options that apply the filter while translating (gateways; else none). */
export function gatewayTranslateOptions(proxy: Proxy, push: PushContext): TranslateOptions {
  return proxy.type === 'router' ? { outboundHosts: gatewayDestinationHosts(proxy, push) } : {};
}

function keeps(hosts: ReadonlySet<string>, clusterName: string): boolean {
  const parsed = parseSubsetKey(clusterName);
  return parsed === undefined || parsed.direction !== 'outbound' || hosts.has(parsed.host);
}

/** The gateway's resources narrowed to routed services; other proxies' resources unchanged. */
export function filterGatewayClusters(
  proxy: Proxy,
  push: PushContext,
  resources: ProxyResources,
): ProxyResources {
  if (proxy.type !== 'router') return resources;
  const hosts = gatewayDestinationHosts(proxy, push);
  const clusters = resources.clusters.filter((c: Cluster) => keeps(hosts, c.name));
  const endpoints = resources.endpoints.filter((e: ClusterLoadAssignment) =>
    keeps(hosts, e.clusterName),
  );
  return { ...resources, clusters, endpoints };
}
