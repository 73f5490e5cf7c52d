// The parts every Istio cluster shares (ClusterBuilder.buildCluster): name, discovery type, an
// empty common_lb_config, alt_stat_name `<name>;`, DNS settings and an inline load assignment for
// DNS/STATIC clusters, the upstream protocol implied by the port, and EDS via ADS.
import { create } from '@bufbuild/protobuf';

import {
  Cluster_CommonLbConfigSchema,
  Cluster_DiscoveryType,
  Cluster_DnsLookupFamily,
  Cluster_EdsClusterConfigSchema,
  ClusterSchema,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ApiVersion, ConfigSourceSchema } from '../../gen/envoy/config/core/v3/config_source_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { LocalityLbEndpoints } from '../../gen/envoy/config/endpoint/v3/endpoint_components_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { Protocol, Resolution } from '../../model/service.js';
import { durationFromNanos } from '../common/duration.js';
import { setH2, setUseDownstreamProtocol, type ClusterDraft } from './cluster-draft.js';
import { clusterType } from './load-balancer.js';

/** Istio's MeshConfig default dnsRefreshRate. */
const DNS_REFRESH_SECONDS = 60n;

/** Istio's convertResolution: gateways cannot use ORIGINAL_DST, so headless falls back to EDS. */
export function discoveryTypeFor(
  resolution: Resolution,
  proxyType: Proxy['type'],
): Cluster_DiscoveryType {
  switch (resolution) {
    case 'DNSLB':
      return Cluster_DiscoveryType.STRICT_DNS;
    case 'DNSRoundRobinLB':
      return Cluster_DiscoveryType.LOGICAL_DNS;
    case 'Passthrough':
      return proxyType === 'router'
        ? Cluster_DiscoveryType.EDS
        : Cluster_DiscoveryType.ORIGINAL_DST;
    default:
      return Cluster_DiscoveryType.EDS;
  }
}

export function isHttp2Protocol(p: Protocol): boolean {
  return p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-Web';
}

export function isHttpProtocol(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP_PROXY' || isHttp2Protocol(p);
}

const isIpv4 = (ip: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

function dnsLookupFamily(proxyIps: readonly string[]): Cluster_DnsLookupFamily {
  if (proxyIps.length > 0 && proxyIps.every((ip) => !isIpv4(ip) && ip.includes(':'))) {
    return Cluster_DnsLookupFamily.V6_ONLY;
  }
  return Cluster_DnsLookupFamily.V4_ONLY;
}

export interface BaseClusterInput {
  name: string;
  type: Cluster_DiscoveryType;
  /** Required (non-empty) for STATIC and DNS types. */
  localityEndpoints?: LocalityLbEndpoints[];
  protocol: Protocol;
  proxy: Proxy;
}

/** Returns undefined for a STATIC/DNS cluster without endpoints, which Istio does not send. */
export function buildBaseCluster(input: BaseClusterInput): ClusterDraft | undefined {
  const cluster = create(ClusterSchema, {
    name: input.name,
    clusterDiscoveryType: { case: 'type', value: input.type },
    commonLbConfig: create(Cluster_CommonLbConfigSchema, {}),
    altStatName: `${input.name};`,
  });
  const needsEndpoints =
    input.type === Cluster_DiscoveryType.STRICT_DNS ||
    input.type === Cluster_DiscoveryType.LOGICAL_DNS ||
    input.type === Cluster_DiscoveryType.STATIC;
  if (
    input.type === Cluster_DiscoveryType.STRICT_DNS ||
    input.type === Cluster_DiscoveryType.LOGICAL_DNS
  ) {
    cluster.dnsLookupFamily = dnsLookupFamily(
      input.proxy.ips.length > 0 ? input.proxy.ips : [input.proxy.ip],
    );
    cluster.dnsRefreshRate = durationFromNanos(DNS_REFRESH_SECONDS * 1_000_000_000n);
    cluster.respectDnsTtl = true;
  }
  if (needsEndpoints) {
    const eps = input.localityEndpoints ?? [];
    if (eps.length === 0) return undefined;
    cluster.loadAssignment = create(ClusterLoadAssignmentSchema, {
      clusterName: input.name,
      endpoints: eps,
    });
  }
  const draft: ClusterDraft = { cluster };
  if (isHttp2Protocol(input.protocol)) setH2(draft);
  // Sniffed (unnamed) ports on sidecars keep whatever protocol the app spoke.
  else if (input.proxy.type === 'sidecar' && input.protocol === 'Unsupported')
    setUseDownstreamProtocol(draft);
  return draft;
}

/** EDS over ADS, service_name = cluster name (Istio's maybeApplyEdsConfig). */
export function applyEdsConfig(draft: ClusterDraft): void {
  const c = draft.cluster;
  if (clusterType(c) !== Cluster_DiscoveryType.EDS) return;
  c.edsClusterConfig = create(Cluster_EdsClusterConfigSchema, {
    serviceName: c.name,
    edsConfig: create(ConfigSourceSchema, {
      configSourceSpecifier: { case: 'ads', value: {} },
      initialFetchTimeout: durationFromNanos(0n),
      resourceApiVersion: ApiVersion.V3,
    }),
  });
}
