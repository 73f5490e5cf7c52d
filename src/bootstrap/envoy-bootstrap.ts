// The Envoy bootstrap of a sidecar or gateway whose ADS points at mini-istiod. It keeps the parts
// of Istio's bootstrap (tools/packaging/common/envoy_bootstrap.json) that decide how Envoy talks to
// its control plane: node identity and metadata, admin on localhost:15000, ADS over the
// `xds-grpc` cluster with the node sent only on the first message, LDS/CDS with
// initial_fetch_timeout 0s, and an `sds-grpc` cluster for mTLS certificates. istio-agent's
// unix sockets are replaced by mini-istiod's TCP address. mini-istiod does not issue workload
// certificates yet: with mTLS, the `default`/`ROOTCA` secrets must come from an SDS server at
// that address.
import { create, type JsonValue } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { stringify } from 'yaml';
import { BootstrapSchema, type Bootstrap } from '../gen/envoy/config/bootstrap/v3/bootstrap_pb.js';
import {
  ClusterSchema,
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
  type Cluster,
} from '../gen/envoy/config/cluster/v3/cluster_pb.js';
import { RoutingPriority } from '../gen/envoy/config/core/v3/base_pb.js';
import {
  ApiConfigSource_ApiType,
  ApiVersion,
} from '../gen/envoy/config/core/v3/config_source_pb.js';
import { FileAccessLogSchema } from '../gen/envoy/extensions/access_loggers/file/v3/file_pb.js';
import { HttpProtocolOptionsSchema } from '../gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
import { toEnvoyJson } from '../proto/envoy-json.js';
import { socketAddress } from '../translate/common/socket-address.js';
import type { BootstrapIdentity } from './bootstrap-options.js';
import { nodeMetadata, serviceCluster } from './node-metadata.js';

export const ADMIN_PORT = 15000;
export const XDS_CLUSTER = 'xds-grpc';
export const SDS_CLUSTER = 'sds-grpc';
const HTTP_PROTOCOL_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** gRPC needs HTTP/2 towards the control plane; Envoy speaks HTTP/1.1 upstream unless told. */
function http2Options(): Cluster['typedExtensionProtocolOptions'] {
  const options = create(HttpProtocolOptionsSchema, {
    upstreamProtocolOptions: {
      case: 'explicitHttpConfig',
      value: { protocolConfig: { case: 'http2ProtocolOptions', value: {} } },
    },
  });
  return { [HTTP_PROTOCOL_OPTIONS_KEY]: anyPack(HttpProtocolOptionsSchema, options) };
}

/**
 * A cluster of one control-plane endpoint: STATIC for an IP, STRICT_DNS for a host name (a
 * compose service name, a Kubernetes Service DNS name), HTTP/2, 1s connect timeout as Istio.
 */
function controlPlaneCluster(name: string, id: BootstrapIdentity): Cluster {
  const thresholds = [RoutingPriority.DEFAULT, RoutingPriority.HIGH].map((priority) => ({
    priority,
    maxConnections: 100000,
    maxPendingRequests: 100000,
    maxRequests: 100000,
  }));
  return create(ClusterSchema, {
    name,
    clusterDiscoveryType: {
      case: 'type',
      value: id.xds.isIp ? Cluster_DiscoveryType.STATIC : Cluster_DiscoveryType.STRICT_DNS,
    },
    connectTimeout: { seconds: 1n, nanos: 0 },
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    typedExtensionProtocolOptions: http2Options(),
    // Istio lifts the default limits (1024) so a burst of pushes never queues behind them.
    circuitBreakers: { thresholds },
    upstreamConnectionOptions: { tcpKeepalive: { keepaliveTime: 300 } },
    loadAssignment: {
      clusterName: name,
      endpoints: [
        {
          lbEndpoints: [
            {
              hostIdentifier: {
                case: 'endpoint',
                // Protocol TCP, as in Istio's template, is the default and so implied.
                value: { address: socketAddress(id.xds.host, id.xds.port) },
              },
            },
          ],
        },
      ],
    },
  });
}

/** LDS and CDS through ADS. initial_fetch_timeout 0s: wait for the control plane, however long. */
function adsConfigSource() {
  return {
    configSourceSpecifier: { case: 'ads' as const, value: {} },
    initialFetchTimeout: { seconds: 0n, nanos: 0 },
    resourceApiVersion: ApiVersion.V3,
  };
}

export function buildEnvoyBootstrap(id: BootstrapIdentity): Bootstrap {
  const clusters = [controlPlaneCluster(XDS_CLUSTER, id)];
  if (id.mtls) clusters.push(controlPlaneCluster(SDS_CLUSTER, id));
  return create(BootstrapSchema, {
    node: {
      id: id.nodeId,
      cluster: serviceCluster(id),
      metadata: nodeMetadata(id),
      locality: {},
    },
    admin: {
      accessLog: [
        {
          name: 'envoy.access_loggers.file',
          configType: {
            case: 'typedConfig',
            value: anyPack(FileAccessLogSchema, create(FileAccessLogSchema, { path: '/dev/null' })),
          },
        },
      ],
      address: socketAddress('127.0.0.1', ADMIN_PORT),
    },
    dynamicResources: {
      ldsConfig: adsConfigSource(),
      cdsConfig: adsConfigSource(),
      adsConfig: {
        apiType: ApiConfigSource_ApiType.GRPC,
        transportApiVersion: ApiVersion.V3,
        setNodeOnFirstMessageOnly: true,
        grpcServices: [
          { targetSpecifier: { case: 'envoyGrpc', value: { clusterName: XDS_CLUSTER } } },
        ],
      },
    },
    staticResources: { clusters },
  });
}

/** Envoy's proto3 JSON of the bootstrap (snake_case, `@type` on Any): what `envoy -c` reads. */
export function envoyBootstrapJson(id: BootstrapIdentity): JsonValue {
  return toEnvoyJson(BootstrapSchema, buildEnvoyBootstrap(id));
}

export function formatEnvoyBootstrap(id: BootstrapIdentity, output: 'json' | 'yaml'): string {
  const json = envoyBootstrapJson(id);
  return output === 'yaml' ? stringify(json) : `${JSON.stringify(json, null, 2)}\n`;
}
