// Validates one xDS resource given by type URL, as encoded bytes or as a decoded message.
import { fromBinary } from '@bufbuild/protobuf';
import type { Message } from '@bufbuild/protobuf';
import { findMessageSchema } from '../registry.js';
import type { PgvViolation } from './types.js';
import { violation } from './types.js';
import { validateMessage } from './validate-message.js';

export function validateEnvoyResource(
  typeUrl: string,
  resource: Uint8Array | Message,
): PgvViolation[] {
  const schema = findMessageSchema(typeUrl);
  if (!schema)
    return [
      violation('', 'any.registered', `unknown type "${typeUrl}": not in the protobuf registry`),
    ];
  if (resource instanceof Uint8Array) {
    try {
      return validateMessage(schema, fromBinary(schema, resource));
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      return [violation('', 'any.decode', `cannot decode ${schema.typeName}: ${reason}`)];
    }
  }
  if (resource.$typeName !== schema.typeName) {
    return [
      violation(
        '',
        'type_url',
        `message is ${resource.$typeName}, type URL names ${schema.typeName}`,
      ),
    ];
  }
  return validateMessage(schema, resource);
}
