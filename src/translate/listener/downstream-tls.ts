// Server-side TLS for listeners: Istio mTLS on sidecar inbound chains (workload certificate
// `default` + root `ROOTCA` from the agent over SDS, client certificate required), and gateway
// TLS termination with a credentialName secret (served by istiod over ADS).
import { create } from '@bufbuild/protobuf';
import type { TransportSocket } from '../../gen/envoy/config/core/v3/base_pb.js';
import { TransportSocketSchema } from '../../gen/envoy/config/core/v3/base_pb.js';
import { TlsParameters_TlsProtocol } from '../../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js';
import {
  DownstreamTlsContextSchema,
  type DownstreamTlsContext,
} from '../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { anyPack } from '@bufbuild/protobuf/wkt';
import type { ServerTLSSettings } from '../../model/istio-types.js';
import {
  SDS_DEFAULT_RESOURCE,
  SDS_ROOT_RESOURCE,
  adsSdsSecretConfig,
  credentialResourceName,
  credentialRootResourceName,
  sdsSecretConfig,
} from '../common/sds.js';

export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';

export function tlsTransportSocket(ctx: DownstreamTlsContext): TransportSocket {
  return create(TransportSocketSchema, {
    name: TLS_TRANSPORT_SOCKET,
    configType: { case: 'typedConfig', value: anyPack(DownstreamTlsContextSchema, ctx) },
  });
}

/** Peer certificates are checked against the mesh root CA the agent serves as `ROOTCA`. */
function istioRootValidation() {
  return {
    case: 'combinedValidationContext' as const,
    value: {
      defaultValidationContext: {},
      validationContextSdsSecretConfig: sdsSecretConfig(SDS_ROOT_RESOURCE),
    },
  };
}

const istioMutualServerSockets = new Map<boolean, TransportSocket>();

/**
 * Inbound Istio mTLS; HTTP chains negotiate h2/http1.1, TCP chains Istio's own ALPNs. Constant,
 * so one object per kind serves every chain (never mutated, like every translated message).
 */
export function istioMutualServerTls(http: boolean): TransportSocket {
  let socket = istioMutualServerSockets.get(http);
  if (socket === undefined) {
    socket = buildIstioMutualServerTls(http);
    istioMutualServerSockets.set(http, socket);
  }
  return socket;
}

function buildIstioMutualServerTls(http: boolean): TransportSocket {
  return tlsTransportSocket(
    create(DownstreamTlsContextSchema, {
      commonTlsContext: {
        tlsParams: {
          tlsMinimumProtocolVersion: TlsParameters_TlsProtocol.TLSv1_2,
          tlsMaximumProtocolVersion: TlsParameters_TlsProtocol.TLSv1_3,
        },
        alpnProtocols: http ? ['h2', 'http/1.1'] : ['istio-peer-exchange', 'istio'],
        tlsCertificateSdsSecretConfigs: [sdsSecretConfig(SDS_DEFAULT_RESOURCE)],
        validationContextType: istioRootValidation(),
      },
      requireClientCertificate: true,
    }),
  );
}

/**
 * Gateway SIMPLE / MUTUAL termination with credentialName (`kubernetes://<name>`, its CA in
 * `<name>-cacert` for MUTUAL). ISTIO_MUTUAL servers use the gateway's own workload cert.
 * File-path certificates (serverCertificate/privateKey) are not supported: they need the
 * agent's file-cert SDS names, which mini-istiod does not serve.
 */
export function gatewayServerTls(tls: ServerTLSSettings, http: boolean): TransportSocket {
  const mode = tls.mode ?? 'SIMPLE';
  const alpn = http ? ['h2', 'http/1.1'] : [];
  if (mode === 'ISTIO_MUTUAL') {
    return tlsTransportSocket(
      create(DownstreamTlsContextSchema, {
        commonTlsContext: {
          alpnProtocols: alpn,
          tlsCertificateSdsSecretConfigs: [sdsSecretConfig(SDS_DEFAULT_RESOURCE)],
          validationContextType: istioRootValidation(),
        },
        requireClientCertificate: true,
      }),
    );
  }
  const credential = tls.credentialName ?? tls.credentialNames?.[0] ?? '';
  const mutual = mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  return tlsTransportSocket(
    create(DownstreamTlsContextSchema, {
      commonTlsContext: {
        alpnProtocols: alpn,
        tlsCertificateSdsSecretConfigs: [adsSdsSecretConfig(credentialResourceName(credential))],
        validationContextType: mutual
          ? {
              case: 'combinedValidationContext',
              value: {
                defaultValidationContext: {
                  matchTypedSubjectAltNames: [],
                },
                validationContextSdsSecretConfig: adsSdsSecretConfig(
                  credentialRootResourceName(credential),
                ),
              },
            }
          : undefined,
      },
      requireClientCertificate: mode === 'MUTUAL',
    }),
  );
}
