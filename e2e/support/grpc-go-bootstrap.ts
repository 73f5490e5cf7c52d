// The xDS bootstrap file grpc-go reads from $GRPC_XDS_BOOTSTRAP. grpc-go insists on
// `channel_creds` (insecure is enough for loopback) and on `server_features: ["xds_v3"]`; node id,
// metadata and locality are what mini-istiod uses to identify the proxy, as an Istio agent's
// proxyless bootstrap would send them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Locality {
  region?: string;
  zone?: string;
  sub_zone?: string;
}

export interface GrpcGoBootstrapOptions {
  /** `host:port` of the ADS server (plaintext). */
  xdsServer: string;
  /** Istio-style node id `sidecar~IP~pod.namespace~namespace.svc.cluster.local`. */
  nodeId?: string;
  namespace?: string;
  /** Extra node metadata, merged over the proxyless defaults (GENERATOR, NAMESPACE, INSTANCE_IPS). */
  metadata?: Record<string, unknown>;
  locality?: Locality;
  ip?: string;
}

export interface GrpcGoBootstrap {
  xds_servers: {
    server_uri: string;
    channel_creds: { type: string }[];
    server_features: string[];
  }[];
  node: { id: string; metadata: Record<string, unknown>; locality: Locality };
}

export function grpcGoBootstrap(o: GrpcGoBootstrapOptions): GrpcGoBootstrap {
  const namespace = o.namespace ?? 'default';
  const ip = o.ip ?? '127.0.0.1';
  return {
    xds_servers: [
      {
        server_uri: o.xdsServer,
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    node: {
      id: o.nodeId ?? `sidecar~${ip}~grpc-go-client.${namespace}~${namespace}.svc.cluster.local`,
      metadata: { GENERATOR: 'grpc', NAMESPACE: namespace, INSTANCE_IPS: ip, ...o.metadata },
      locality: o.locality ?? {},
    },
  };
}

/** Writes `bootstrap.json` into `dir` and returns its path (the value for GRPC_XDS_BOOTSTRAP). */
export function writeGrpcGoBootstrap(dir: string, bootstrap: GrpcGoBootstrap): string {
  const file = join(dir, 'bootstrap.json');
  writeFileSync(file, JSON.stringify(bootstrap, null, 2));
  return file;
}
