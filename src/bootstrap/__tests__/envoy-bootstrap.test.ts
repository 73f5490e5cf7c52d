// The Envoy bootstrap must be something Envoy accepts: its JSON decodes strictly with the
// generated Bootstrap schema, survives a binary round trip, and breaks no PGV rule.
import { fromBinary, fromJson, toBinary, toJson, type JsonObject } from '@bufbuild/protobuf';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import {
  BootstrapSchema,
  type Bootstrap,
} from '../../gen/envoy/config/bootstrap/v3/bootstrap_pb.js';
import { Cluster_DiscoveryType } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import {
  ApiConfigSource_ApiType,
  ApiVersion,
} from '../../gen/envoy/config/core/v3/config_source_pb.js';
import { HttpProtocolOptionsSchema } from '../../gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
import { validateMessage } from '../../proto/pgv/index.js';
import { registry } from '../../proto/registry.js';
import { resolveIdentity, type BootstrapOptions } from '../bootstrap-options.js';
import { envoyBootstrapJson, formatEnvoyBootstrap } from '../envoy-bootstrap.js';
import { parse } from 'yaml';

const REVIEWS = 'sidecar~127.0.0.22~reviews-v2-0.default~default.svc.cluster.local';

function identity(opts: Partial<BootstrapOptions> = {}) {
  const r = resolveIdentity({ nodeId: REVIEWS, ...opts });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** What Envoy does with `-c bootstrap.json`: strict proto3 JSON decoding. */
function decode(json: unknown): Bootstrap {
  return fromJson(BootstrapSchema, JSON.parse(JSON.stringify(json)), { registry });
}

function clusterNamed(b: Bootstrap, name: string) {
  const c = b.staticResources?.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no cluster ${name}`);
  return c;
}

describe('Envoy bootstrap', () => {
  it('decodes strictly, round-trips through binary and JSON, and passes PGV', () => {
    for (const opts of [{}, { mtls: true, xdsAddress: 'mini-istiod:15010' }]) {
      const json = envoyBootstrapJson(identity(opts));
      const decoded = decode(json);
      expect(validateMessage(BootstrapSchema, decoded)).toEqual([]);
      const again = fromBinary(BootstrapSchema, toBinary(BootstrapSchema, decoded));
      expect(toJson(BootstrapSchema, again, { registry, useProtoFieldName: true })).toEqual(json);
    }
  });

  it('identifies the node with Istio metadata', () => {
    const b = decode(envoyBootstrapJson(identity({ labels: { app: 'reviews', version: 'v2' } })));
    expect(b.node?.id).toBe(REVIEWS);
    expect(b.node?.cluster).toBe('reviews.default');
    expect(b.node?.metadata).toMatchObject({
      NAMESPACE: 'default',
      NAME: 'reviews-v2-0',
      INSTANCE_IPS: '127.0.0.22',
      LABELS: { app: 'reviews', version: 'v2' },
      CLUSTER_ID: 'Kubernetes',
    });
    expect(typeof (b.node?.metadata as JsonObject).ISTIO_VERSION).toBe('string');
  });

  it('leaves LABELS out when none are given, so the server reads them from the Pod', () => {
    const b = decode(envoyBootstrapJson(identity()));
    expect(b.node?.metadata).not.toHaveProperty('LABELS');
    expect(b.node?.cluster).toBe('reviews-v2-0.default');
  });

  it('runs ADS over the xds-grpc cluster as Istio does', () => {
    const b = decode(envoyBootstrapJson(identity()));
    const ads = b.dynamicResources?.adsConfig;
    expect(ads?.apiType).toBe(ApiConfigSource_ApiType.GRPC);
    expect(ads?.transportApiVersion).toBe(ApiVersion.V3);
    expect(ads?.setNodeOnFirstMessageOnly).toBe(true);
    expect(ads?.grpcServices[0].targetSpecifier).toEqual(
      expect.objectContaining({
        case: 'envoyGrpc',
        value: expect.objectContaining({ clusterName: 'xds-grpc' }),
      }),
    );
    for (const source of [b.dynamicResources?.ldsConfig, b.dynamicResources?.cdsConfig]) {
      expect(source?.configSourceSpecifier.case).toBe('ads');
      expect(source?.initialFetchTimeout).toEqual(
        expect.objectContaining({ seconds: 0n, nanos: 0 }),
      );
      expect(source?.resourceApiVersion).toBe(ApiVersion.V3);
    }
    const json = envoyBootstrapJson(identity()) as JsonObject;
    expect(json.admin).toMatchObject({
      address: { socket_address: { address: '127.0.0.1', port_value: 15000 } },
      access_log: [{ typed_config: { path: '/dev/null' } }],
    });
  });

  it('reaches an IP with a STATIC cluster and a host name with STRICT_DNS, over HTTP/2', () => {
    const byIp = clusterNamed(decode(envoyBootstrapJson(identity())), 'xds-grpc');
    expect(byIp.clusterDiscoveryType).toEqual({
      case: 'type',
      value: Cluster_DiscoveryType.STATIC,
    });
    const byName = clusterNamed(
      decode(envoyBootstrapJson(identity({ xdsAddress: 'istiod.istio-system.svc:15012' }))),
      'xds-grpc',
    );
    expect(byName.clusterDiscoveryType).toEqual({
      case: 'type',
      value: Cluster_DiscoveryType.STRICT_DNS,
    });
    const ep = byName.loadAssignment?.endpoints[0].lbEndpoints[0].hostIdentifier;
    expect(ep?.case === 'endpoint' && ep.value.address?.address).toEqual(
      expect.objectContaining({
        case: 'socketAddress',
        value: expect.objectContaining({
          address: 'istiod.istio-system.svc',
          portSpecifier: { case: 'portValue', value: 15012 },
        }),
      }),
    );
    expect(byName.connectTimeout).toEqual(expect.objectContaining({ seconds: 1n }));
    const any =
      byName.typedExtensionProtocolOptions[
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
      ];
    const http = anyUnpack(any, HttpProtocolOptionsSchema);
    expect(http?.upstreamProtocolOptions.case).toBe('explicitHttpConfig');
    const explicit = http?.upstreamProtocolOptions.value;
    expect(explicit && 'protocolConfig' in explicit && explicit.protocolConfig.case).toBe(
      'http2ProtocolOptions',
    );
  });

  it('adds sds-grpc at the xDS address only with --mtls', () => {
    const plain = decode(envoyBootstrapJson(identity()));
    expect(plain.staticResources?.clusters.map((c) => c.name)).toEqual(['xds-grpc']);
    const mtls = decode(envoyBootstrapJson(identity({ mtls: true })));
    expect(mtls.staticResources?.clusters.map((c) => c.name)).toEqual(['xds-grpc', 'sds-grpc']);
    const sds = clusterNamed(mtls, 'sds-grpc');
    expect(sds.loadAssignment?.clusterName).toBe('sds-grpc');
    expect(toJson(BootstrapSchema, mtls, { registry })).toMatchObject({
      staticResources: {
        clusters: [
          {},
          {
            loadAssignment: {
              endpoints: [
                {
                  lbEndpoints: [
                    {
                      endpoint: {
                        address: { socketAddress: { address: '127.0.0.1', portValue: 15010 } },
                      },
                    },
                  ],
                },
              ],
            },
          },
        ],
      },
    });
  });

  it('the validator does catch a broken bootstrap', () => {
    const b = decode(envoyBootstrapJson(identity()));
    const cluster = clusterNamed(b, 'xds-grpc');
    cluster.connectTimeout = { $typeName: 'google.protobuf.Duration', seconds: 0n, nanos: 0 };
    const paths = validateMessage(BootstrapSchema, b).map((v) => v.path);
    expect(paths).toContain('static_resources.clusters[0].connect_timeout');
  });

  it('prints YAML that holds the same document', () => {
    const id = identity({ mtls: true });
    expect(parse(formatEnvoyBootstrap(id, 'yaml'))).toEqual(envoyBootstrapJson(id));
    expect(JSON.parse(formatEnvoyBootstrap(id, 'json'))).toEqual(envoyBootstrapJson(id));
  });

  it('refuses a node id or address the server could not use', () => {
    expect(resolveIdentity({ nodeId: 'reviews' })).toEqual({
      ok: false,
      error: expect.stringContaining('expected <type>~<ip>~'),
    });
    expect(resolveIdentity({ nodeId: REVIEWS, xdsAddress: 'localhost' })).toEqual({
      ok: false,
      error: expect.stringContaining('host:port'),
    });
    expect(resolveIdentity({ nodeId: REVIEWS, xdsAddress: '[::1]:70000' })).toEqual({
      ok: false,
      error: expect.stringContaining('out of range'),
    });
  });
});
