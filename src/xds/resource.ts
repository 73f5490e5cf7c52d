// An xDS resource as the server holds it: encoded exactly once, then shared by every stream and
// every proxy that receives it. Streams only copy these bytes into responses, never re-encode.
import { createHash } from 'node:crypto';
import { toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { encodeAny, encodeDeltaResource } from './codec.js';

export interface XdsResource {
  readonly name: string;
  readonly typeUrl: string;
  /** Content hash of `bytes` (short hex): equal content gives equal versions, across restarts too. */
  readonly version: string;
  /** The encoded message, i.e. the `value` of its `google.protobuf.Any`. */
  readonly bytes: Uint8Array;
  /** The encoded `google.protobuf.Any` (type_url + value), as placed in a DiscoveryResponse. */
  readonly anyBytes: Uint8Array;
}

const VERSION_LENGTH = 16;

export function contentVersion(...parts: (Uint8Array | string)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, VERSION_LENGTH);
}

/** Wraps already-encoded message bytes. */
export function resourceFromBytes(typeUrl: string, name: string, bytes: Uint8Array): XdsResource {
  const anyBytes = encodeAny(typeUrl, bytes);
  return {
    name,
    typeUrl,
    version: contentVersion(bytes),
    // The value is the last field of the Any: a view into it, so the message is held once.
    bytes: anyBytes.subarray(anyBytes.length - bytes.length),
    anyBytes,
  };
}

const encodedByMessage = new WeakMap<object, XdsResource>();

/**
 * Encodes a generated message as a resource of type `type.googleapis.com/<message type name>`.
 * The result is memoized per message object, so a message shared by many proxies' translations
 * (the usual case for clusters and endpoints) is encoded once. Messages must not be mutated
 * after they were encoded.
 */
export function encodeResource<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  name: string,
): XdsResource {
  const cached = encodedByMessage.get(message);
  if (cached && cached.name === name) return cached;
  const typeUrl = `type.googleapis.com/${schema.typeName}`;
  const resource = resourceFromBytes(typeUrl, name, toBinary(schema, message));
  encodedByMessage.set(message, resource);
  return resource;
}

const deltaBytesByResource = new WeakMap<XdsResource, Uint8Array>();

/** The encoded delta `Resource` wrapper (name, version, Any), built once per resource. */
export function deltaResourceBytes(resource: XdsResource): Uint8Array {
  let bytes = deltaBytesByResource.get(resource);
  if (!bytes) {
    bytes = encodeDeltaResource(resource.name, resource.version, resource.anyBytes);
    deltaBytesByResource.set(resource, bytes);
  }
  return bytes;
}
