// Sidecar inbound clusters `inbound|<target port>||`, one per workload port. Current Istio
// (inbound traffic policy PASSTHROUGH, the default) makes them ORIGINAL_DST: the connection goes
// to the pod IP:port it was addressed to, from 127.0.0.6 so iptables lets it through, with
// cleanup disabled. A Sidecar ingress listener replaces this: its defaultEndpoint
// (`127.0.0.1:8080`, `0.0.0.0:8080` = pod IP, or `unix://...`) makes the cluster STATIC.
import { create } from '@bufbuild/protobuf';

import {
  Cluster_DiscoveryType,
  type Cluster,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { AddressSchema, BindConfigSchema } from '../../gen/envoy/config/core/v3/address_pb.js';
import {
  LbEndpointSchema,
  LocalityLbEndpointsSchema,
  type LocalityLbEndpoints,
} from '../../gen/envoy/config/endpoint/v3/endpoint_components_pb.js';
import type { ConfigResource } from '../../model/config.js';
import type {
  ConnectionPoolSettings,
  DestinationRuleSpec,
  TrafficPolicy,
} from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Protocol, Service } from '../../model/service.js';
import { inboundClusterName } from '../common/cluster-name.js';
import { durationFromNanos } from '../common/duration.js';
import { socketAddress } from '../common/socket-address.js';
import { buildBaseCluster } from './base-cluster.js';
import { finishCluster } from './cluster-draft.js';
import { addConfigMetadata, addServicesMetadata } from './cluster-metadata.js';
import { INBOUND_PASSTHROUGH_BIND_IPV4, INBOUND_PASSTHROUGH_BIND_IPV6 } from './fixed-clusters.js';
import { portTrafficPolicy } from './merge-traffic-policy.js';
import { applyTrafficPolicy } from './traffic-policy.js';

/** Go's (MaxInt64 - 999999999) / 1e9 seconds: "never clean up" for ORIGINAL_DST hosts. */
const MAX_CLEANUP_SECONDS = 9223372035n;

/** One port the workload serves, with the services that expose it. */
export interface InboundTarget {
  targetPort: number;
  servicePort: number;
  protocol: Protocol;
  services: Service[];
}

function protocolOf(name: string | undefined): Protocol {
  const p = (name ?? '').toUpperCase();
  const known: Record<string, Protocol> = {
    HTTP: 'HTTP',
    HTTP2: 'HTTP2',
    GRPC: 'GRPC',
    'GRPC-WEB': 'GRPC-Web',
    HTTPS: 'HTTPS',
    TLS: 'TLS',
    TCP: 'TCP',
    MONGO: 'Mongo',
    REDIS: 'Redis',
    MYSQL: 'MySQL',
  };
  return known[p] ?? 'Unsupported';
}

/** The proxy's service ports grouped by target port; first service wins on conflicts, as in Istio. */
export function inboundTargets(proxy: Proxy, push: PushContext): InboundTarget[] {
  const byPort = new Map<number, InboundTarget>();
  const ips = new Set([proxy.ip, ...proxy.ips]);
  for (const svc of push.servicesForWorkload(proxy.namespace, proxy.labels)) {
    for (const port of svc.ports) {
      if (port.protocol === 'UDP') continue;
      const own = push
        .endpoints(svc.hostname, port.port, svc.namespace)
        .find((ep) => ips.has(ep.address));
      const targetPort = port.targetPort ?? own?.port ?? port.port;
      const existing = byPort.get(targetPort);
      if (existing !== undefined) existing.services.push(svc);
      else
        byPort.set(targetPort, {
          targetPort,
          servicePort: port.port,
          protocol: port.protocol,
          services: [svc],
        });
    }
  }
  return [...byPort.values()].sort((a, b) => a.targetPort - b.targetPort);
}

function staticEndpoint(address: string, port: number): LocalityLbEndpoints[] {
  const addr = address.startsWith('unix://')
    ? create(AddressSchema, {
        address: { case: 'pipe', value: { path: address.slice('unix://'.length) } },
      })
    : socketAddress(address, port);
  return [
    create(LocalityLbEndpointsSchema, {
      lbEndpoints: [
        create(LbEndpointSchema, {
          hostIdentifier: { case: 'endpoint', value: { address: addr } },
        }),
      ],
    }),
  ];
}

/** One inbound cluster to build, with everything it takes from the proxy already resolved. */
export interface InboundClusterInput {
  clusterPort: number;
  servicePort: number;
  protocol: Protocol;
  services: Service[];
  /** Empty: ORIGINAL_DST. */
  endpoint?: { address: string; port: number };
  /** The DestinationRule of the first service, as chosen for the proxy. */
  destinationRule?: ConfigResource<DestinationRuleSpec>;
}

/**
 * Everything the inbound clusters take from the proxy besides its type and DNS family (read by
 * the base cluster): gathered once so that memo keys can name exactly these inputs
 * (cache/shared-inbound.ts).
 */
export interface InboundClusterInputs {
  clusters: InboundClusterInput[];
  /** The applicable Sidecar's inboundConnectionPool. */
  connectionPool?: ConnectionPoolSettings['http'];
  /** Every listed IP is IPv6: bind upstream connections to ::6. */
  v6Only: boolean;
}

function buildInboundCluster(
  proxy: Proxy,
  push: PushContext,
  input: InboundClusterInput,
  shared: InboundClusterInputs,
): Cluster {
  const isStatic = input.endpoint !== undefined;
  const draft = buildBaseCluster({
    name: inboundClusterName(input.clusterPort),
    type: isStatic ? Cluster_DiscoveryType.STATIC : Cluster_DiscoveryType.ORIGINAL_DST,
    localityEndpoints: isStatic
      ? staticEndpoint(input.endpoint?.address ?? '', input.endpoint?.port ?? 0)
      : undefined,
    protocol: input.protocol,
    proxy,
  });
  // A STATIC cluster always has its one endpoint, so the base cluster exists.
  const d = draft as NonNullable<typeof draft>;
  const c = d.cluster;
  if (input.services.length > 0) addServicesMetadata(c, input.services);
  if (!isStatic) c.cleanupInterval = durationFromNanos(MAX_CLEANUP_SECONDS * 1_000_000_000n);

  // Connection pool limits of the service's DR apply server-side too.
  let policy: TrafficPolicy | undefined;
  const dr = input.destinationRule;
  if (dr?.spec.trafficPolicy !== undefined) {
    policy = portTrafficPolicy(dr.spec.trafficPolicy, input.servicePort);
    addConfigMetadata(c, dr);
  }
  const sidecarPool = shared.connectionPool;
  if (sidecarPool !== undefined)
    policy = { ...(policy ?? {}), connectionPool: { http: sidecarPool } };
  applyTrafficPolicy(d, {
    policy,
    direction: 'inbound',
    protocol: input.protocol,
    meshConnectTimeout: push.mesh.connectTimeout,
  });
  const bind = input.endpoint?.address;
  if (bind !== '127.0.0.1' && bind !== '::1') {
    c.upstreamBindConfig = create(BindConfigSchema, {
      sourceAddress: {
        address: shared.v6Only ? INBOUND_PASSTHROUGH_BIND_IPV6 : INBOUND_PASSTHROUGH_BIND_IPV4,
        portSpecifier: { case: 'portValue', value: 0 },
      },
    });
  }
  return finishCluster(d);
}

/** `127.0.0.1:8080` → localhost, `0.0.0.0:8080` → the pod IP, `unix://...` as is. */
function resolveDefaultEndpoint(
  proxy: Proxy,
  defaultEndpoint: string | undefined,
): { address: string; port: number } | undefined {
  if (defaultEndpoint === undefined || defaultEndpoint === '') return undefined;
  if (defaultEndpoint.startsWith('unix://')) return { address: defaultEndpoint, port: 0 };
  const idx = defaultEndpoint.lastIndexOf(':');
  if (idx < 0) return undefined;
  const host = defaultEndpoint.slice(0, idx).replace(/^\[|\]$/g, '');
  const port = Number(defaultEndpoint.slice(idx + 1));
  if (!Number.isInteger(port)) return undefined;
  const ips = proxy.ips.length > 0 ? proxy.ips : [proxy.ip];
  if (host === '0.0.0.0')
    return { address: ips.find((ip) => !ip.includes(':')) ?? '127.0.0.1', port };
  if (host === '::') return { address: ips.find((ip) => ip.includes(':')) ?? '::1', port };
  return { address: host, port };
}

/** The inputs for the proxy's inbound clusters: Sidecar ingress ports if any, else its service ports. */
export function inboundClusterInputs(proxy: Proxy, push: PushContext): InboundClusterInputs {
  const targets = inboundTargets(proxy, push);
  const sidecar = push.sidecarFor(proxy.namespace, proxy.labels);
  const ingress = sidecar?.spec.ingress ?? [];
  const withRule = (input: InboundClusterInput): InboundClusterInput => {
    const primary = input.services[0];
    if (primary === undefined) return input;
    const dr = push.destinationRule(proxy.namespace, primary.hostname, proxy.labels);
    return dr === undefined ? input : { ...input, destinationRule: dr };
  };
  const clusters =
    ingress.length > 0
      ? ingress.map((l) => {
          const match = targets.find((t) => t.targetPort === l.port.number);
          return withRule({
            clusterPort: l.port.number,
            servicePort: l.port.number,
            protocol: protocolOf(l.port.protocol),
            services: match?.services ?? [],
            endpoint: resolveDefaultEndpoint(proxy, l.defaultEndpoint),
          });
        })
      : targets.map((t) =>
          withRule({
            clusterPort: t.targetPort,
            servicePort: t.servicePort,
            protocol: t.protocol,
            services: t.services,
          }),
        );
  return {
    clusters,
    connectionPool: sidecar?.spec.inboundConnectionPool,
    v6Only: proxy.ips.length > 0 && proxy.ips.every((ip) => ip.includes(':')),
  };
}

/**
 * The clusters for gathered inputs. Of the proxy itself only its type and DNS family are read
 * (by the base cluster); everything else comes from `inputs` and push-wide state.
 */
export function inboundClustersFrom(
  proxy: Proxy,
  push: PushContext,
  inputs: InboundClusterInputs,
): Cluster[] {
  return inputs.clusters.map((input) => buildInboundCluster(proxy, push, input, inputs));
}

export function buildInboundClusters(proxy: Proxy, push: PushContext): Cluster[] {
  return inboundClustersFrom(proxy, push, inboundClusterInputs(proxy, push));
}
