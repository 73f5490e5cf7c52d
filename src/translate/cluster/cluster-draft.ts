// A cluster under construction plus its upstream HttpProtocolOptions, which Envoy only accepts
// packed into typed_extension_protocol_options; `finishCluster` packs them once at the end
// (Istio's clusterWrapper.build), so every step can keep editing the unpacked message.
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';

import type { Cluster } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import {
  HttpProtocolOptionsSchema,
  HttpProtocolOptions_ExplicitHttpConfigSchema,
  HttpProtocolOptions_UseDownstreamHttpConfigSchema,
  type HttpProtocolOptions,
} from '../../gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';

export const HTTP_PROTOCOL_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

export interface ClusterDraft {
  cluster: Cluster;
  httpOptions?: HttpProtocolOptions;
}

export function httpOptionsOf(draft: ClusterDraft): HttpProtocolOptions {
  draft.httpOptions ??= create(HttpProtocolOptionsSchema, {});
  return draft.httpOptions;
}

/** Upstream speaks HTTP/2 (Istio's setH2Options); keeps an explicit choice already made. */
export function setH2(draft: ClusterDraft): void {
  const opts = httpOptionsOf(draft);
  if (opts.upstreamProtocolOptions.case !== undefined) return;
  opts.upstreamProtocolOptions = {
    case: 'explicitHttpConfig',
    value: create(HttpProtocolOptions_ExplicitHttpConfigSchema, {
      protocolConfig: { case: 'http2ProtocolOptions', value: {} },
    }),
  };
}

/** Upstream uses whatever the downstream used (HTTP/1.1 or HTTP/2). */
export function setUseDownstreamProtocol(draft: ClusterDraft): void {
  httpOptionsOf(draft).upstreamProtocolOptions = {
    case: 'useDownstreamProtocolConfig',
    value: create(HttpProtocolOptions_UseDownstreamHttpConfigSchema, {
      httpProtocolOptions: {},
      http2ProtocolOptions: {},
    }),
  };
}

export function isH2(draft: ClusterDraft): boolean {
  const u = draft.httpOptions?.upstreamProtocolOptions;
  return u?.case === 'explicitHttpConfig' && u.value.protocolConfig.case === 'http2ProtocolOptions';
}

/** Packs the http options (defaulting to explicit HTTP/1.1, which Envoy requires) and returns the cluster. */
export function finishCluster(draft: ClusterDraft): Cluster {
  const opts = draft.httpOptions;
  if (opts !== undefined) {
    if (opts.upstreamProtocolOptions.case === undefined) {
      opts.upstreamProtocolOptions = {
        case: 'explicitHttpConfig',
        value: create(HttpProtocolOptions_ExplicitHttpConfigSchema, {
          protocolConfig: { case: 'httpProtocolOptions', value: {} },
        }),
      };
    }
    draft.cluster.typedExtensionProtocolOptions[HTTP_PROTOCOL_OPTIONS_KEY] = anyPack(
      HttpProtocolOptionsSchema,
      opts,
    );
  }
  return draft.cluster;
}
