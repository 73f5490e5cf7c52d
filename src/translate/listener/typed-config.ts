// Envoy's filter messages (network, listener and HTTP filters) all carry their configuration in a
// `config_type` oneof whose `typed_config` is an Any; these helpers build that shape once.
import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { anyPack, type Any } from '@bufbuild/protobuf/wkt';

export interface TypedFilter {
  name: string;
  configType: { case: 'typedConfig'; value: Any };
}

/** A named filter whose typed_config packs `init` as message `schema`. */
export function typedFilter<Desc extends DescMessage>(
  name: string,
  schema: Desc,
  init: MessageInitShape<Desc> = {} as MessageInitShape<Desc>,
): TypedFilter {
  return {
    name,
    configType: { case: 'typedConfig', value: anyPack(schema, create(schema, init)) },
  };
}

/** Duration from whole seconds (Istio's listener timeouts are all whole seconds or zero). */
export function seconds(n: number): { seconds: bigint; nanos: number } {
  return { seconds: BigInt(n), nanos: 0 };
}
