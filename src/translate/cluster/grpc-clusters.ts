// Clusters for proxyless gRPC clients (Istio's grpcgen BuildClusters). gRPC asks for clusters by
// name, so only requested names are built; every cluster is plain EDS over ADS with the default
// lb_policy (ROUND_ROBIN: gRPC NACKs LEAST_REQUEST) or RING_HASH from consistentHash. mTLS is
// only set when the DestinationRule asks for ISTIO_MUTUAL explicitly (no auto-mTLS: gRPC cannot
// speak Istio's PERMISSIVE ALPN), as a plain transport_socket using gRPC's certificate providers.
import { create } from '@bufbuild/protobuf';

import {
  Cluster_DiscoveryType,
  Cluster_EdsClusterConfigSchema,
  ClusterSchema,
  type Cluster,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ConfigSourceSchema } from '../../gen/envoy/config/core/v3/config_source_pb.js';
import { CertificateValidationContextSchema } from '../../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js';
import {
  CommonTlsContext_CombinedCertificateValidationContextSchema,
  CommonTlsContextSchema,
  UpstreamTlsContextSchema,
} from '../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import type { TrafficPolicy } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import { outboundClusterName, parseSubsetKey } from '../common/cluster-name.js';
import { applyConsistentHash } from './load-balancer.js';
import { portTrafficPolicy, subsetTrafficPolicy } from './merge-traffic-policy.js';
import { serviceAccountsFor } from './outbound-clusters.js';
import { tlsTransportSocket } from './upstream-tls.js';

/** Certificate provider instance gRPC's bootstrap defines (istio-agent writes `default`). */
export const GRPC_CERT_PROVIDER_INSTANCE = 'default';

function edsCluster(name: string): Cluster {
  return create(ClusterSchema, {
    name,
    clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: create(Cluster_EdsClusterConfigSchema, {
      serviceName: name,
      edsConfig: create(ConfigSourceSchema, { configSourceSpecifier: { case: 'ads', value: {} } }),
    }),
  });
}

function applyGrpcPolicy(c: Cluster, policy: TrafficPolicy | undefined, sans: string[]): void {
  if (policy?.tls?.mode === 'ISTIO_MUTUAL') {
    const common = create(CommonTlsContextSchema, {
      tlsCertificateProviderInstance: {
        instanceName: GRPC_CERT_PROVIDER_INSTANCE,
        certificateName: 'default',
      },
      validationContextType: {
        case: 'combinedValidationContext',
        value: create(CommonTlsContext_CombinedCertificateValidationContextSchema, {
          defaultValidationContext: create(CertificateValidationContextSchema, {
            caCertificateProviderInstance: {
              instanceName: GRPC_CERT_PROVIDER_INSTANCE,
              certificateName: 'ROOTCA',
            },
            matchSubjectAltNames: sans.map((s) => ({
              matchPattern: { case: 'exact' as const, value: s },
            })),
          }),
        }),
      },
    });
    c.transportSocket = tlsTransportSocket(
      create(UpstreamTlsContextSchema, { commonTlsContext: common }),
    );
  }
  applyConsistentHash(c, policy?.loadBalancer);
}

function allClusterNames(proxy: Proxy, push: PushContext, services: readonly Service[]): string[] {
  const names: string[] = [];
  for (const svc of services) {
    const dr = push.destinationRule(proxy.namespace, svc.hostname, proxy.labels);
    for (const port of svc.ports) {
      if (port.protocol === 'UDP') continue;
      names.push(outboundClusterName(port.port, undefined, svc.hostname));
      for (const s of dr?.spec.subsets ?? [])
        names.push(outboundClusterName(port.port, s.name, svc.hostname));
    }
  }
  return names;
}

/**
 * @param names cluster names gRPC requested; undefined = every visible service's clusters
 *   (used by the offline translate command, which has no request).
 */
export function buildGrpcClusters(
  proxy: Proxy,
  push: PushContext,
  services: readonly Service[],
  names?: readonly string[],
): Cluster[] {
  const requested = names ?? allClusterNames(proxy, push, services);
  // Group requested names under their default cluster, in first-requested order.
  const groups = new Map<string, { host: string; port: number; wanted: Set<string> }>();
  for (const name of requested) {
    const parsed = parseSubsetKey(name);
    if (parsed === undefined || parsed.direction !== 'outbound' || parsed.host === '') continue;
    const key = outboundClusterName(parsed.port, undefined, parsed.host);
    const g = groups.get(key) ?? {
      host: parsed.host,
      port: parsed.port,
      wanted: new Set<string>(),
    };
    g.wanted.add(name);
    groups.set(key, g);
  }
  const out: Cluster[] = [];
  for (const [defaultName, g] of groups) {
    const defaultCluster = g.wanted.has(defaultName) ? edsCluster(defaultName) : undefined;
    const svc = push.serviceForHost(g.host, proxy.namespace);
    const port = svc?.ports.find((p) => p.port === g.port);
    if (svc === undefined || port === undefined) {
      // Istio still answers with the bare default cluster; it will just have no endpoints.
      if (defaultCluster !== undefined) out.push(defaultCluster);
      continue;
    }
    const dr = push.destinationRule(proxy.namespace, svc.hostname, proxy.labels);
    const policy = portTrafficPolicy(dr?.spec.trafficPolicy, port.port);
    const sans = serviceAccountsFor(push, svc, port);
    if (defaultCluster !== undefined) {
      applyGrpcPolicy(defaultCluster, policy, sans);
      out.push(defaultCluster);
    }
    for (const subset of dr?.spec.subsets ?? []) {
      const name = outboundClusterName(port.port, subset.name, svc.hostname);
      if (!g.wanted.has(name)) continue;
      const c = edsCluster(name);
      applyGrpcPolicy(c, subsetTrafficPolicy(policy, subset.trafficPolicy, port.port), sans);
      out.push(c);
    }
  }
  return out;
}
