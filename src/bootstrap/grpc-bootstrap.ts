// The xDS bootstrap of a proxyless gRPC application (GRPC_XDS_BOOTSTRAP), in the shape istio-agent
// writes it (pkg/istio-agent/grpcxds): one insecure xds_v3 server, the node with GENERATOR=grpc
// so the server sends gRPC-shaped config, the inbound listener name template gRPC servers
// subscribe with, and with mTLS a file_watcher certificate provider named `default`, the
// instance name the server's TLS contexts refer to.
import type { JsonObject } from '@bufbuild/protobuf';
import type { BootstrapIdentity } from './bootstrap-options.js';
import { nodeMetadata } from './node-metadata.js';

export const SERVER_LISTENER_NAME_TEMPLATE = 'xds.istio.io/grpc/lds/inbound/%s';
/** Where istio-agent leaves workload certificates for proxyless gRPC. */
export const DEFAULT_CERT_DIR = '/var/lib/istio/data';
/** istio-agent's refresh interval; grpc-js-xds refuses a file_watcher without one. */
const CERT_REFRESH_INTERVAL = '900s';

export interface GrpcBootstrap {
  xds_servers: {
    server_uri: string;
    channel_creds: { type: string }[];
    server_features: string[];
  }[];
  node: { id: string; metadata: JsonObject; locality: Record<string, string> };
  server_listener_resource_name_template: string;
  certificate_providers?: Record<
    string,
    {
      plugin_name: string;
      config: {
        certificate_file: string;
        private_key_file: string;
        ca_certificate_file: string;
        refresh_interval: string;
      };
    }
  >;
}

export function buildGrpcBootstrap(
  id: BootstrapIdentity,
  opts: { certDir?: string } = {},
): GrpcBootstrap {
  const bootstrap: GrpcBootstrap = {
    xds_servers: [
      {
        server_uri: id.xds.uri,
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    // gRPC rejects a node without a locality; an empty one is enough.
    node: { id: id.nodeId, metadata: nodeMetadata(id, { grpc: true }), locality: {} },
    server_listener_resource_name_template: SERVER_LISTENER_NAME_TEMPLATE,
  };
  if (id.mtls) {
    const dir = (opts.certDir ?? DEFAULT_CERT_DIR).replace(/\/+$/, '');
    bootstrap.certificate_providers = {
      default: {
        plugin_name: 'file_watcher',
        config: {
          certificate_file: `${dir}/cert-chain.pem`,
          private_key_file: `${dir}/key.pem`,
          ca_certificate_file: `${dir}/root-cert.pem`,
          refresh_interval: CERT_REFRESH_INTERVAL,
        },
      },
    };
  }
  return bootstrap;
}

export function formatGrpcBootstrap(
  id: BootstrapIdentity,
  opts: { certDir?: string } = {},
): string {
  return `${JSON.stringify(buildGrpcBootstrap(id, opts), null, 2)}\n`;
}
