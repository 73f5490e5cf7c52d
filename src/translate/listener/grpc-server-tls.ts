// Transport security of a proxyless gRPC server listener (istiod's grpcgen): gRPC's filter
// chain matching cannot tell TLS from plaintext, so a port gets exactly one chain:
//   STRICT     → mTLS with the bootstrap's certificate provider instance `default`
//                (identity `default`, roots `ROOTCA`) and a required client certificate;
//   PERMISSIVE → plaintext, unless the workload carries security.istio.io/tlsMode=istio
//                (its clients then use auto-mTLS), in which case mTLS as STRICT;
//   DISABLE    → plaintext.
// Beware grpc-js-xds 1.14: switching a LIVE server between plaintext and TLS is not handled
// (plaintext→TLS throws, TLS→plaintext is ignored); the mode should be settled before the
// server starts.
import { create } from '@bufbuild/protobuf';
import type { TransportSocket } from '../../gen/envoy/config/core/v3/base_pb.js';
import { DownstreamTlsContextSchema } from '../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { GRPC_CERT_PROVIDER_INSTANCE } from '../cluster/grpc-clusters.js';
import { tlsTransportSocket } from './downstream-tls.js';
import { effectiveMtlsMode } from './peer-authentication.js';

const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

export type GrpcServerSecurity = 'mtls' | 'plaintext';

export function grpcServerSecurity(
  proxy: Proxy,
  push: PushContext,
  port: number,
): GrpcServerSecurity {
  const mode = effectiveMtlsMode(push.peerAuthenticationsFor(proxy.namespace, proxy.labels), port);
  if (mode === 'STRICT') return 'mtls';
  if (mode === 'PERMISSIVE' && proxy.labels[TLS_MODE_LABEL] === 'istio') return 'mtls';
  return 'plaintext';
}

export function grpcServerMtls(): TransportSocket {
  return tlsTransportSocket(
    create(DownstreamTlsContextSchema, {
      commonTlsContext: {
        tlsCertificateProviderInstance: {
          instanceName: GRPC_CERT_PROVIDER_INSTANCE,
          certificateName: 'default',
        },
        // istiod nests this in a combined_validation_context, which Envoy's validation
        // rejects without an SDS config; gRPC reads the plain validation_context the same way.
        validationContextType: {
          case: 'validationContext',
          value: {
            caCertificateProviderInstance: {
              instanceName: GRPC_CERT_PROVIDER_INSTANCE,
              certificateName: 'ROOTCA',
            },
          },
        },
      },
      requireClientCertificate: true,
    }),
  );
}
