// grpc-js access to the vendored interop proto subset (protos/grpc/testing/interop_subset.proto):
// the client's LoadBalancerStatsService, and the TestService definition for workloads.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

const PROTO = fileURLToPath(new URL('./protos/grpc/testing/interop_subset.proto', import.meta.url));

type ServiceCtor = grpc.ServiceClientConstructor;

export interface InteropServices {
  LoadBalancerStatsService: ServiceCtor;
  TestService: ServiceCtor;
}

let loaded: InteropServices | undefined;

function serviceAt(root: grpc.GrpcObject, name: string): ServiceCtor {
  const pkg = (root.grpc as grpc.GrpcObject | undefined)?.testing as grpc.GrpcObject | undefined;
  const ctor = pkg?.[name];
  if (typeof ctor !== 'function' || !('service' in ctor)) {
    throw new Error(`grpc.testing.${name} missing from ${PROTO}`);
  }
  return ctor as ServiceCtor;
}

/** Loads the proto once; fields keep their proto names (snake_case), int64s stay numbers. */
export function interopServices(): InteropServices {
  if (!loaded) {
    const definition = protoLoader.loadSync(PROTO, {
      keepCase: true,
      defaults: true,
      enums: String,
    });
    const root = grpc.loadPackageDefinition(definition);
    loaded = {
      LoadBalancerStatsService: serviceAt(root, 'LoadBalancerStatsService'),
      TestService: serviceAt(root, 'TestService'),
    };
  }
  return loaded;
}
