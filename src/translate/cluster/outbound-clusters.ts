// Outbound clusters of one service port: the default `outbound|<port>||<host>` and one per
// DestinationRule subset `outbound|<port>|<subset>|<host>` (Istio's buildOutboundClusters +
// applyDestinationRule + buildSubsetCluster). Subset clusters inherit the default cluster's
// discovery type after its policy was applied, then get the merged subset policy.
import type { Cluster } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { Cluster_DiscoveryType } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ConfigResource } from '../../model/config.js';
import type { DestinationRuleSpec, Subset, TrafficPolicy } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service, ServicePort } from '../../model/service.js';
import { istioMutualSni, outboundClusterName } from '../common/cluster-name.js';
import { inferServiceMtlsMode } from '../common/mtls-mode.js';
import { localityLbEndpoints } from '../endpoint/locality-lb-endpoints.js';
import { mtlsReadyChecker, selectEndpoints } from '../endpoint/select-endpoints.js';
import { applyEdsConfig, buildBaseCluster, discoveryTypeFor } from './base-cluster.js';
import { finishCluster, type ClusterDraft } from './cluster-draft.js';
import {
  addConfigMetadata,
  addExternalMetadata,
  addServicesMetadata,
  addSubsetMetadata,
  setAlpnOverrideMetadata,
} from './cluster-metadata.js';
import { clusterType } from './load-balancer.js';
import { portTrafficPolicy, subsetTrafficPolicy } from './merge-traffic-policy.js';
import { applyTrafficPolicy } from './traffic-policy.js';

export interface OutboundContext {
  proxy: Proxy;
  push: PushContext;
}

/** SANs for ISTIO_MUTUAL: the service's accounts plus those its endpoints report, sorted. */
export function serviceAccountsFor(
  push: PushContext,
  service: Service,
  port: ServicePort,
): string[] {
  const out = new Set(service.serviceAccounts);
  for (const ep of push.endpoints(service.hostname, port.port, service.namespace)) {
    if (ep.serviceAccount !== undefined && ep.serviceAccount !== '') out.add(ep.serviceAccount);
  }
  return [...out].sort();
}

function inlineEndpoints(
  ctx: OutboundContext,
  service: Service,
  port: ServicePort,
  type: Cluster_DiscoveryType,
  subsetLabels?: Record<string, string>,
) {
  if (type === Cluster_DiscoveryType.EDS || type === Cluster_DiscoveryType.ORIGINAL_DST)
    return undefined;
  return localityLbEndpoints(selectEndpoints(ctx.push, service, port, { subsetLabels }), {
    mtlsReady: mtlsReadyChecker(ctx.push),
  });
}

function tlsInput(
  ctx: OutboundContext,
  service: Service,
  port: ServicePort,
  dr: ConfigResource<DestinationRuleSpec> | undefined,
  inferPolicy: TrafficPolicy | undefined,
  sni: string,
) {
  return {
    serviceAccounts: serviceAccountsFor(ctx.push, service, port),
    istioMtlsSni: sni,
    autoMtls: ctx.push.mesh.enableAutoMtls,
    meshExternal: service.meshExternal,
    serviceMtlsMode: inferServiceMtlsMode(ctx.push, inferPolicy, service),
    isSidecar: ctx.proxy.type === 'sidecar',
    drHasWorkloadSelector: dr?.spec.workloadSelector !== undefined,
    isServiceEntry: service.registry === 'ServiceEntry',
  };
}

function buildSubsetCluster(
  ctx: OutboundContext,
  service: Service,
  port: ServicePort,
  dr: ConfigResource<DestinationRuleSpec>,
  subset: Subset,
  parentType: Cluster_DiscoveryType,
  portPolicy: TrafficPolicy | undefined,
): Cluster | undefined {
  const name = outboundClusterName(port.port, subset.name, service.hostname);
  const passthrough = subset.trafficPolicy?.loadBalancer?.simple === 'PASSTHROUGH';
  const type = passthrough ? Cluster_DiscoveryType.ORIGINAL_DST : parentType;
  const draft = buildBaseCluster({
    name,
    type,
    localityEndpoints: inlineEndpoints(ctx, service, port, type, subset.labels ?? {}),
    protocol: port.protocol,
    proxy: ctx.proxy,
  });
  if (draft === undefined) return undefined;
  addServicesMetadata(draft.cluster, [service]);
  const policy = subsetTrafficPolicy(portPolicy, subset.trafficPolicy, port.port);
  const sni = istioMutualSni(port.port, subset.name, service.hostname);
  applyTrafficPolicy(draft, {
    policy,
    direction: 'outbound',
    protocol: port.protocol,
    meshConnectTimeout: ctx.push.mesh.connectTimeout,
    tls: tlsInput(ctx, service, port, dr, subset.trafficPolicy, sni),
  });
  applyEdsConfig(draft);
  addConfigMetadata(draft.cluster, dr);
  addSubsetMetadata(draft.cluster, subset.name);
  setAlpnOverrideMetadata(draft.cluster, policy?.tls?.mode);
  return finishCluster(draft);
}

/** Default + subset clusters for one port of one service; empty for UDP ports. */
export function buildOutboundClustersForPort(
  ctx: OutboundContext,
  service: Service,
  port: ServicePort,
): Cluster[] {
  if (port.protocol === 'UDP') return [];
  const type = discoveryTypeFor(service.resolution, ctx.proxy.type);
  const name = outboundClusterName(port.port, undefined, service.hostname);
  const draft: ClusterDraft | undefined = buildBaseCluster({
    name,
    type,
    localityEndpoints: inlineEndpoints(ctx, service, port, type),
    protocol: port.protocol,
    proxy: ctx.proxy,
  });
  if (draft === undefined) return [];
  addServicesMetadata(draft.cluster, [service]);

  const dr = ctx.push.destinationRule(ctx.proxy.namespace, service.hostname, ctx.proxy.labels);
  const portPolicy = portTrafficPolicy(dr?.spec.trafficPolicy, port.port);
  const sni = istioMutualSni(port.port, undefined, service.hostname);
  applyTrafficPolicy(draft, {
    policy: portPolicy,
    direction: 'outbound',
    protocol: port.protocol,
    meshConnectTimeout: ctx.push.mesh.connectTimeout,
    tls: tlsInput(ctx, service, port, dr, dr?.spec.trafficPolicy, sni),
  });
  applyEdsConfig(draft);
  if (service.meshExternal) addExternalMetadata(draft.cluster);
  if (dr !== undefined) {
    addConfigMetadata(draft.cluster, dr);
    setAlpnOverrideMetadata(draft.cluster, portPolicy?.tls?.mode);
  }
  const parentType = clusterType(draft.cluster) ?? type;
  const out = [finishCluster(draft)];
  for (const subset of dr?.spec.subsets ?? []) {
    const c = buildSubsetCluster(
      ctx,
      service,
      port,
      dr as ConfigResource<DestinationRuleSpec>,
      subset,
      parentType,
      portPolicy,
    );
    if (c !== undefined) out.push(c);
  }
  return out;
}
