// Packing and unpacking google.protobuf.Any with the process registry.
import type { DescMessage, Message, MessageShape } from '@bufbuild/protobuf';
import { anyPack, anyUnpack } from '@bufbuild/protobuf/wkt';
import type { Any } from '@bufbuild/protobuf/wkt';
import { registry } from './registry.js';

export function packAny<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Any {
  return anyPack(schema, message);
}

/**
 * Decodes an Any whose type is in the registry. Throws on an unknown type URL, because a
 * caller holding an Any it cannot read has a bug or a missing generated file, not bad input.
 */
export function unpackAny(any: Any): Message {
  const message = anyUnpack(any, registry);
  if (message === undefined) {
    throw new Error(`unknown type in Any: "${any.typeUrl}" is not in the protobuf registry`);
  }
  return message;
}
