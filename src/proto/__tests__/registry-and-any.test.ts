// The type registry resolves every generated Envoy type, and Any packing round-trips.
import { create, equals } from '@bufbuild/protobuf';
import { DurationSchema, StructSchema } from '@bufbuild/protobuf/wkt';
import { allGeneratedFiles } from '../../gen/index.js';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { HTTPFaultSchema } from '../../gen/envoy/extensions/filters/http/fault/v3/fault_pb.js';
import { TYPE_URL } from '../../translate/types.js';
import { packAny, unpackAny } from '../any.js';
import { findMessageSchema, registry, typeUrlOf } from '../registry.js';

describe('registry', () => {
  it('holds every message of every generated file', () => {
    const missing = allGeneratedFiles
      .flatMap((file) => file.messages)
      .map((m) => m.typeName)
      .filter((name) => registry.getMessage(name) === undefined);
    expect(allGeneratedFiles.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('also holds the well-known types the generated files import', () => {
    for (const schema of [DurationSchema, StructSchema]) {
      expect(registry.getMessage(schema.typeName)).toBeDefined();
    }
    expect(registry.getMessage('google.protobuf.UInt32Value')).toBeDefined();
    expect(registry.getExtension('validate.rules')).toBeDefined();
  });

  it('names types by the type URLs xDS uses', () => {
    expect(typeUrlOf(ListenerSchema)).toBe(TYPE_URL.listener);
    expect(typeUrlOf(RouteConfigurationSchema)).toBe(TYPE_URL.route);
    expect(typeUrlOf(ClusterSchema)).toBe(TYPE_URL.cluster);
  });

  it('finds schemas by type URL or full name', () => {
    expect(findMessageSchema(TYPE_URL.cluster)?.typeName).toBe('envoy.config.cluster.v3.Cluster');
    expect(findMessageSchema('envoy.config.cluster.v3.Cluster')?.typeName).toBe(
      'envoy.config.cluster.v3.Cluster',
    );
    expect(findMessageSchema('type.googleapis.com/envoy.config.cluster.v3.Nope')).toBeUndefined();
  });
});

describe('packAny / unpackAny', () => {
  it('round-trips an Envoy message through Any', () => {
    const fault = create(HTTPFaultSchema, {
      abort: {
        errorType: { case: 'httpStatus', value: 503 },
        percentage: { numerator: 50 },
      },
      upstreamCluster: 'outbound|9080||ratings.default.svc.cluster.local',
    });
    const any = packAny(HTTPFaultSchema, fault);
    expect(any.typeUrl).toBe(
      'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
    );
    const back = unpackAny(any);
    expect(back.$typeName).toBe(HTTPFaultSchema.typeName);
    expect(equals(HTTPFaultSchema, back as typeof fault, fault)).toBe(true);
  });

  it('throws a clear error for a type outside the registry', () => {
    const any = create(DurationSchema, { seconds: 1n });
    expect(() =>
      unpackAny({ ...packAny(DurationSchema, any), typeUrl: 'type.googleapis.com/acme.Unknown' }),
    ).toThrow(/acme\.Unknown.*not in the protobuf registry/);
  });
});
