// EDS: one ClusterLoadAssignment per EDS cluster of a proxy (Istio's EndpointBuilder). A
// subset's assignment holds only endpoints carrying all the subset's labels; endpoint ports are
// target ports. Proxyless gRPC only accepts IP literals, so DNS-named endpoints are left out for it.
import { create } from '@bufbuild/protobuf';

import { Cluster_DiscoveryType } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import {
  ClusterLoadAssignmentSchema,
  type ClusterLoadAssignment,
} from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service, ServiceEndpoint } from '../../model/service.js';
import { outboundClusterName, parseSubsetKey } from '../common/cluster-name.js';
import { discoveryTypeFor } from '../cluster/base-cluster.js';
import { portTrafficPolicy, subsetTrafficPolicy } from '../cluster/merge-traffic-policy.js';
import { localityLbEndpoints } from './locality-lb-endpoints.js';
import { mtlsReadyChecker, selectEndpoints } from './select-endpoints.js';

export interface EndpointBuildOptions {
  /** EDS resource names requested; undefined = every EDS cluster the proxy has. */
  names?: readonly string[];
  /** Same predicate as for clusters (Sidecar egress scoping). */
  isServiceVisible?: (service: Service) => boolean;
  isServicePortVisible?: (service: Service, port: number) => boolean;
  /** Keep unhealthy endpoints as UNHEALTHY instead of dropping them (Istio drops by default). */
  sendUnhealthy?: boolean;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const isIpLiteral = (a: string): boolean => IPV4.test(a) || a.includes(':');

function emptyAssignment(name: string): ClusterLoadAssignment {
  return create(ClusterLoadAssignmentSchema, { clusterName: name, endpoints: [] });
}

/** The assignment for one cluster name; empty (not absent) when nothing backs it. */
export function clusterLoadAssignment(
  proxy: Proxy,
  push: PushContext,
  name: string,
  opts: Pick<EndpointBuildOptions, 'sendUnhealthy'> = {},
): ClusterLoadAssignment {
  const parsed = parseSubsetKey(name);
  if (parsed === undefined || parsed.direction !== 'outbound') return emptyAssignment(name);
  const service = push.serviceForHost(parsed.host, proxy.namespace);
  const port = service?.ports.find((p) => p.port === parsed.port);
  if (service === undefined || port === undefined) return emptyAssignment(name);
  let subsetLabels: Record<string, string> | undefined;
  if (parsed.subset !== '') {
    const dr = push.destinationRule(proxy.namespace, service.hostname, proxy.labels);
    const subset = dr?.spec.subsets?.find((s) => s.name === parsed.subset);
    if (subset === undefined) return emptyAssignment(name);
    subsetLabels = subset.labels ?? {};
  }
  let eps: ServiceEndpoint[] = selectEndpoints(push, service, port, {
    subsetLabels,
    sendUnhealthy: opts.sendUnhealthy,
  });
  if (proxy.generator === 'grpc') eps = eps.filter((ep) => isIpLiteral(ep.address));
  return create(ClusterLoadAssignmentSchema, {
    clusterName: name,
    endpoints: localityLbEndpoints(eps, { mtlsReady: mtlsReadyChecker(push) }),
  });
}

/** Names of the proxy's EDS clusters (default + subsets), mirroring the cluster builder. */
export function edsClusterNames(
  proxy: Proxy,
  push: PushContext,
  services: readonly Service[],
  isPortVisible: (service: Service, port: number) => boolean = () => true,
): string[] {
  const names: string[] = [];
  for (const svc of services) {
    const type = discoveryTypeFor(svc.resolution, proxy.type);
    if (type !== Cluster_DiscoveryType.EDS && proxy.generator !== 'grpc') continue;
    const dr = push.destinationRule(proxy.namespace, svc.hostname, proxy.labels);
    for (const port of svc.ports) {
      if (port.protocol === 'UDP' || !isPortVisible(svc, port.port)) continue;
      const policy = portTrafficPolicy(dr?.spec.trafficPolicy, port.port);
      const passthrough = (p: typeof policy): boolean =>
        proxy.generator !== 'grpc' && p?.loadBalancer?.simple === 'PASSTHROUGH';
      if (!passthrough(policy)) names.push(outboundClusterName(port.port, undefined, svc.hostname));
      for (const s of dr?.spec.subsets ?? []) {
        if (passthrough(subsetTrafficPolicy(policy, s.trafficPolicy, port.port))) continue;
        names.push(outboundClusterName(port.port, s.name, svc.hostname));
      }
    }
  }
  return names;
}

export function buildEndpoints(
  proxy: Proxy,
  push: PushContext,
  opts: EndpointBuildOptions = {},
): ClusterLoadAssignment[] {
  const pred = opts.isServiceVisible ?? (() => true);
  const names =
    opts.names ??
    edsClusterNames(
      proxy,
      push,
      push.servicesVisibleTo(proxy.namespace).filter((s) => pred(s)),
      opts.isServicePortVisible,
    );
  const seen = new Set<string>();
  const out: ClusterLoadAssignment[] = [];
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(clusterLoadAssignment(proxy, push, name, opts));
  }
  return out;
}
