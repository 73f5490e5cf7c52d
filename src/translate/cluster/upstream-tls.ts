// Client-side TLS of an outbound cluster (Istio's buildUpstreamTLSSettings +
// applyUpstreamTLSSettings): DR tls modes DISABLE / SIMPLE / MUTUAL / ISTIO_MUTUAL, and auto-mTLS
// when the DR sets no TLS: a `tlsMode-istio` transport socket match (mTLS to sidecar-injected
// endpoints, selected by EDS metadata) plus a `tlsMode-disabled` raw-buffer fallback.
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';

import {
  Cluster_DiscoveryType,
  Cluster_TransportSocketMatchSchema,
  type Cluster_TransportSocketMatch,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import {
  TransportSocketSchema,
  type TransportSocket,
} from '../../gen/envoy/config/core/v3/base_pb.js';
import { UpstreamHttpProtocolOptionsSchema } from '../../gen/envoy/config/core/v3/protocol_pb.js';
import { RawBufferSchema } from '../../gen/envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer_pb.js';
import {
  CertificateValidationContextSchema,
  TlsParameters_TlsProtocol,
} from '../../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js';
import {
  CommonTlsContextSchema,
  CommonTlsContext_CombinedCertificateValidationContextSchema,
  UpstreamTlsContextSchema,
  type CommonTlsContext,
  type CommonTlsContext_CombinedCertificateValidationContext,
  type UpstreamTlsContext,
} from '../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import type { SdsSecretConfig } from '../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { StringMatcherSchema } from '../../gen/envoy/type/matcher/v3/string_pb.js';
import type { ClientTLSSettings } from '../../model/istio-types.js';
import {
  adsSdsSecretConfig,
  credentialResourceName,
  credentialRootResourceName,
  fileCertResourceName,
  fileRootResourceName,
  SDS_DEFAULT_RESOURCE,
  SDS_ROOT_RESOURCE,
  sdsSecretConfig,
} from '../common/sds.js';
import { httpOptionsOf, isH2, type ClusterDraft } from './cluster-draft.js';
import { clusterType } from './load-balancer.js';
import type { ServiceMtlsMode } from '../common/mtls-mode.js';

export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';
export const RAW_BUFFER_TRANSPORT_SOCKET = 'envoy.transport_sockets.raw_buffer';

/** ALPN Istio advertises in-mesh (metadata exchange on, the default). */
const ALPN_IN_MESH = ['istio-peer-exchange', 'istio'];
const ALPN_IN_MESH_H2 = ['istio-peer-exchange', 'istio', 'h2'];
const ALPN_H2_ONLY = ['h2'];

export interface UpstreamTlsInput {
  /** The merged DR tls block for this cluster, if any. */
  tls: ClientTLSSettings | undefined;
  /** SANs to verify for ISTIO_MUTUAL (the service's accounts). */
  serviceAccounts: readonly string[];
  /** `outbound_.<port>_.<subset>_.<host>`. */
  istioMtlsSni: string;
  autoMtls: boolean;
  meshExternal: boolean;
  serviceMtlsMode: ServiceMtlsMode;
  /** Sidecars ignore credentialName unless the DR has a workloadSelector (Istio's guard). */
  isSidecar: boolean;
  drHasWorkloadSelector: boolean;
  /** ServiceEntry services use their SANs for SIMPLE/MUTUAL when the DR gives none. */
  isServiceEntry: boolean;
}

function exactMatchers(
  sans: readonly string[],
): ReturnType<typeof create<typeof StringMatcherSchema>>[] {
  return sans.map((s) =>
    create(StringMatcherSchema, { matchPattern: { case: 'exact', value: s } }),
  );
}

function combinedValidation(
  sans: readonly string[],
  root: SdsSecretConfig,
): CommonTlsContext_CombinedCertificateValidationContext {
  return create(CommonTlsContext_CombinedCertificateValidationContextSchema, {
    defaultValidationContext: create(CertificateValidationContextSchema, {
      matchSubjectAltNames: exactMatchers(sans),
    }),
    validationContextSdsSecretConfig: root,
  });
}

function defaultCommon(): CommonTlsContext {
  return create(CommonTlsContextSchema, {
    tlsParams: {
      tlsMinimumProtocolVersion: TlsParameters_TlsProtocol.TLSv1_2,
      tlsMaximumProtocolVersion: TlsParameters_TlsProtocol.TLSv1_3,
    },
  });
}

export function rawBufferTransportSocket(): TransportSocket {
  return create(TransportSocketSchema, {
    name: RAW_BUFFER_TRANSPORT_SOCKET,
    configType: {
      case: 'typedConfig',
      value: anyPack(RawBufferSchema, create(RawBufferSchema, {})),
    },
  });
}

export function tlsTransportSocket(ctx: UpstreamTlsContext): TransportSocket {
  return create(TransportSocketSchema, {
    name: TLS_TRANSPORT_SOCKET,
    configType: { case: 'typedConfig', value: anyPack(UpstreamTlsContextSchema, ctx) },
  });
}

/** UpstreamTlsContext of Istio mTLS: workload cert `default`, root `ROOTCA`, SAN exact matches. */
export function istioMutualTlsContext(
  sans: readonly string[],
  sni: string,
  h2: boolean,
): UpstreamTlsContext {
  const common = defaultCommon();
  common.tlsCertificateSdsSecretConfigs = [sdsSecretConfig(SDS_DEFAULT_RESOURCE)];
  common.validationContextType = {
    case: 'combinedValidationContext',
    value: combinedValidation(sans, sdsSecretConfig(SDS_ROOT_RESOURCE)),
  };
  common.alpnProtocols = h2 ? [...ALPN_IN_MESH_H2] : [...ALPN_IN_MESH];
  return create(UpstreamTlsContextSchema, { commonTlsContext: common, sni });
}

/** SIMPLE / MUTUAL origination: file certs served by the agent, or credentialName via istiod SDS. */
function originationTlsContext(
  draft: ClusterDraft,
  tls: ClientTLSSettings,
  input: UpstreamTlsInput,
  mutual: boolean,
): UpstreamTlsContext | undefined {
  const common = defaultCommon();
  const ctx = create(UpstreamTlsContextSchema, { commonTlsContext: common, sni: tls.sni ?? '' });
  // Without an explicit SNI/SAN Envoy derives them from the request's Host (auto_sni / auto_san_validation).
  const autoSni = (tls.sni ?? '') === '';
  const autoSan =
    autoSni && (tls.subjectAltNames ?? []).length === 0 && tls.insecureSkipVerify !== true;
  if (autoSni || autoSan) {
    const opts = httpOptionsOf(draft);
    opts.upstreamHttpProtocolOptions ??= create(UpstreamHttpProtocolOptionsSchema, {});
    if (autoSni) opts.upstreamHttpProtocolOptions.autoSni = true;
    if (autoSan) opts.upstreamHttpProtocolOptions.autoSanValidation = true;
  }
  let sans = tls.subjectAltNames ?? [];
  if (input.isServiceEntry && sans.length === 0) sans = [...input.serviceAccounts];

  if ((tls.credentialName ?? '') !== '') {
    const name = tls.credentialName as string;
    if (mutual)
      common.tlsCertificateSdsSecretConfigs = [adsSdsSecretConfig(credentialResourceName(name))];
    common.validationContextType = {
      case: 'combinedValidationContext',
      value: combinedValidation(sans, adsSdsSecretConfig(credentialRootResourceName(name))),
    };
  } else {
    if (mutual) {
      // Validation rejects MUTUAL without both files; be defensive rather than emit half a config.
      if ((tls.clientCertificate ?? '') === '' || (tls.privateKey ?? '') === '') return undefined;
      common.tlsCertificateSdsSecretConfigs = [
        sdsSecretConfig(fileCertResourceName(tls.clientCertificate ?? '', tls.privateKey ?? '')),
      ];
    }
    const ca = (tls.caCertificates ?? '') === '' ? 'system' : (tls.caCertificates as string);
    if (tls.insecureSkipVerify === true) {
      common.validationContextType = {
        case: 'validationContext',
        value: create(CertificateValidationContextSchema, {}),
      };
    } else {
      common.validationContextType = {
        case: 'combinedValidationContext',
        value: combinedValidation(sans, sdsSecretConfig(fileRootResourceName(ca))),
      };
    }
  }
  if (isH2(draft)) common.alpnProtocols = [...ALPN_H2_ONLY];
  return ctx;
}

function tsMatch(
  name: string,
  match: Record<string, string>,
  ts: TransportSocket,
): Cluster_TransportSocketMatch {
  return create(Cluster_TransportSocketMatchSchema, { name, match, transportSocket: ts });
}

/** Applies TLS to the draft: a plain transport_socket, auto-mTLS socket matches, or nothing. */
export function applyUpstreamTls(draft: ClusterDraft, input: UpstreamTlsInput): void {
  const c = draft.cluster;
  const tls = input.tls;
  let autoDetected = false;
  let effective: ClientTLSSettings | undefined;

  if (tls !== undefined) {
    effective =
      tls.mode === 'ISTIO_MUTUAL'
        ? {
            mode: 'ISTIO_MUTUAL',
            sni: (tls.sni ?? '') !== '' ? tls.sni : input.istioMtlsSni,
            subjectAltNames: tls.subjectAltNames ?? [...input.serviceAccounts],
          }
        : tls;
  } else if (
    !input.meshExternal &&
    input.autoMtls &&
    input.serviceMtlsMode !== 'UNKNOWN' &&
    input.serviceMtlsMode !== 'DISABLE'
  ) {
    effective = {
      mode: 'ISTIO_MUTUAL',
      sni: input.istioMtlsSni,
      subjectAltNames: [...input.serviceAccounts],
    };
    autoDetected = true;
  }
  if (effective === undefined) return;

  let ctx: UpstreamTlsContext | undefined;
  const privileged = (effective.credentialName ?? '') !== '';
  switch (effective.mode) {
    case 'ISTIO_MUTUAL':
      ctx = istioMutualTlsContext(
        effective.subjectAltNames ?? [],
        effective.sni || c.name,
        isH2(draft),
      );
      break;
    case 'SIMPLE':
    case 'MUTUAL':
      if (privileged && input.isSidecar && !input.drHasWorkloadSelector) return;
      ctx = originationTlsContext(draft, effective, input, effective.mode === 'MUTUAL');
      break;
    default:
      ctx = undefined;
  }
  if (ctx === undefined) return;
  const ts = tlsTransportSocket(ctx);
  // Headless (ORIGINAL_DST) clusters never get socket matches: there is no EDS metadata to match.
  if (autoDetected && clusterType(c) !== Cluster_DiscoveryType.ORIGINAL_DST) {
    c.transportSocket = undefined;
    c.transportSocketMatches = [
      tsMatch('tlsMode-istio', { tlsMode: 'istio' }, ts),
      tsMatch('tlsMode-disabled', {}, rawBufferTransportSocket()),
    ];
  } else {
    c.transportSocket = ts;
  }
}
