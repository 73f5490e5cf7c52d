// SDS references the way istio-proxy expects them: every secret (workload cert `default`, root
// `ROOTCA`, file-mounted certs, credentialName secrets) is fetched from the local agent over the
// `sds-grpc` bootstrap cluster. The istio-agent serves those names; istiod only points at them.
import { create } from '@bufbuild/protobuf';

import {
  ApiConfigSource_ApiType,
  ApiVersion,
  ConfigSourceSchema,
  type ConfigSource,
} from '../../gen/envoy/config/core/v3/config_source_pb.js';
import {
  SdsSecretConfigSchema,
  type SdsSecretConfig,
} from '../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { durationFromNanos } from './duration.js';

/** Name of the agent's SDS cluster in istio-proxy's bootstrap. */
export const SDS_CLUSTER_NAME = 'sds-grpc';
/** The workload certificate. */
export const SDS_DEFAULT_RESOURCE = 'default';
/** The mesh root certificate. */
export const SDS_ROOT_RESOURCE = 'ROOTCA';
/** credentialName secrets are looked up by istiod's own SDS with this prefix on gateways. */
export const KUBERNETES_SECRET_PREFIX = 'kubernetes://';

/** ConfigSource pointing at the agent: gRPC to `sds-grpc`, node only on the first message. */
export function agentSdsConfigSource(): ConfigSource {
  return create(ConfigSourceSchema, {
    configSourceSpecifier: {
      case: 'apiConfigSource',
      value: {
        apiType: ApiConfigSource_ApiType.GRPC,
        setNodeOnFirstMessageOnly: true,
        transportApiVersion: ApiVersion.V3,
        grpcServices: [
          { targetSpecifier: { case: 'envoyGrpc', value: { clusterName: SDS_CLUSTER_NAME } } },
        ],
      },
    },
    initialFetchTimeout: durationFromNanos(0n),
    resourceApiVersion: ApiVersion.V3,
  });
}

/** `{ name, sds_config: <agent> }` for one secret name. */
export function sdsSecretConfig(name: string): SdsSecretConfig {
  return create(SdsSecretConfigSchema, { name, sdsConfig: agentSdsConfigSource() });
}

/**
 * Resource names the agent understands for file-mounted certificates (istio's
 * SdsCertificateConfig): `file-cert:<cert>~<key>` and `file-root:<ca>`.
 */
export function fileCertResourceName(certPath: string, keyPath: string): string {
  return `file-cert:${certPath}~${keyPath}`;
}

export function fileRootResourceName(caPath: string): string {
  return `file-root:${caPath}`;
}

/** SDS name for a credentialName: `kubernetes://<name>` unless it already carries a scheme. */
export function credentialResourceName(credentialName: string): string {
  return credentialName.includes('://')
    ? credentialName
    : `${KUBERNETES_SECRET_PREFIX}${credentialName}`;
}

/** Root-cert companion of a credentialName secret (`<name>-cacert`), as istio names it. */
export function credentialRootResourceName(credentialName: string): string {
  return `${credentialResourceName(credentialName)}-cacert`;
}

/**
 * credentialName secrets are not served by the agent but by istiod itself over the proxy's ADS
 * stream, so their SdsSecretConfig points at `ads {}`.
 */
export function adsSdsSecretConfig(name: string): SdsSecretConfig {
  return create(SdsSecretConfigSchema, {
    name,
    sdsConfig: create(ConfigSourceSchema, {
      configSourceSpecifier: { case: 'ads', value: {} },
      resourceApiVersion: ApiVersion.V3,
    }),
  });
}
