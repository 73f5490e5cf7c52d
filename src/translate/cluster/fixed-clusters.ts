// Istio's fixed clusters: BlackHoleCluster (STATIC, no endpoints: traffic to it fails),
// PassthroughCluster (ORIGINAL_DST to wherever the app dialled) and InboundPassthroughCluster
// (the same, bound to 127.0.0.6 so iptables does not loop the traffic back into the sidecar).
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';

import {
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
  ClusterSchema,
  type Cluster,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { BindConfigSchema } from '../../gen/envoy/config/core/v3/address_pb.js';
import {
  HttpProtocolOptions_UseDownstreamHttpConfigSchema,
  HttpProtocolOptionsSchema,
} from '../../gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
import type { MeshConfig } from '../../model/config.js';
import {
  BLACKHOLE_CLUSTER,
  INBOUND_PASSTHROUGH_CLUSTER,
  PASSTHROUGH_CLUSTER,
} from '../common/cluster-name.js';
import { durationFromIstio, durationFromNanos } from '../common/duration.js';
import { HTTP_PROTOCOL_OPTIONS_KEY } from './cluster-draft.js';
import { defaultThresholds } from './connection-pool.js';

/** Source address istio-iptables exempts from redirection (IPv4). */
export const INBOUND_PASSTHROUGH_BIND_IPV4 = '127.0.0.6';
export const INBOUND_PASSTHROUGH_BIND_IPV6 = '::6';

const PASSTHROUGH_IDLE_TIMEOUT_NANOS = 300n * 1_000_000_000n;

export function blackHoleCluster(mesh: MeshConfig): Cluster {
  return create(ClusterSchema, {
    name: BLACKHOLE_CLUSTER,
    clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.STATIC },
    connectTimeout: durationFromIstio(mesh.connectTimeout),
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    altStatName: `${BLACKHOLE_CLUSTER};`,
  });
}

export function passthroughCluster(mesh: MeshConfig): Cluster {
  const httpOptions = create(HttpProtocolOptionsSchema, {
    commonHttpProtocolOptions: { idleTimeout: durationFromNanos(PASSTHROUGH_IDLE_TIMEOUT_NANOS) },
    upstreamProtocolOptions: {
      case: 'useDownstreamProtocolConfig',
      value: create(HttpProtocolOptions_UseDownstreamHttpConfigSchema, {
        httpProtocolOptions: {},
        http2ProtocolOptions: {},
      }),
    },
  });
  return create(ClusterSchema, {
    name: PASSTHROUGH_CLUSTER,
    clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.ORIGINAL_DST },
    connectTimeout: durationFromIstio(mesh.connectTimeout),
    lbPolicy: Cluster_LbPolicy.CLUSTER_PROVIDED,
    typedExtensionProtocolOptions: {
      [HTTP_PROTOCOL_OPTIONS_KEY]: anyPack(HttpProtocolOptionsSchema, httpOptions),
    },
    circuitBreakers: { thresholds: [defaultThresholds()] },
    altStatName: `${PASSTHROUGH_CLUSTER};`,
  });
}

/** Istio copies the passthrough cluster (alt_stat_name included) and binds it to 127.0.0.6 / ::6. */
export function inboundPassthroughCluster(mesh: MeshConfig, proxyIps: readonly string[]): Cluster {
  const c = passthroughCluster(mesh);
  c.name = INBOUND_PASSTHROUGH_CLUSTER;
  const hasV4 = proxyIps.length === 0 || proxyIps.some((ip) => !ip.includes(':'));
  const hasV6 = proxyIps.some((ip) => ip.includes(':'));
  c.upstreamBindConfig = create(BindConfigSchema, {
    sourceAddress: {
      address: hasV4 ? INBOUND_PASSTHROUGH_BIND_IPV4 : INBOUND_PASSTHROUGH_BIND_IPV6,
      portSpecifier: { case: 'portValue', value: 0 },
    },
    extraSourceAddresses:
      hasV4 && hasV6
        ? [
            {
              address: {
                address: INBOUND_PASSTHROUGH_BIND_IPV6,
                portSpecifier: { case: 'portValue', value: 0 },
              },
            },
          ]
        : [],
  });
  return c;
}
