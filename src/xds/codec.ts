// Hand-written protobuf framing for the server's outgoing messages. Responses are assembled from
// pre-encoded `Any` bytes: field tags and lengths are written around them, so a resource encoded
// once is copied into each response, never re-encoded. Fields are written in field-number order,
// proto3 defaults omitted, which is exactly what protoc-gen-es's `toBinary` produces (tested).
// Requests are decoded with the generated codecs.
import { fromBinary } from '@bufbuild/protobuf';
import {
  DeltaDiscoveryRequestSchema,
  DiscoveryRequestSchema,
  type DeltaDiscoveryRequest,
  type DiscoveryRequest,
} from '../gen/envoy/service/discovery/v3/discovery_pb.js';

const WIRE_LEN = 2;
const utf8 = new TextEncoder();

/** A length-delimited field whose payload is already encoded. */
type Chunk = { field: number; payload: Uint8Array };

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

/** Concatenates length-delimited fields into one message buffer (one allocation, one copy). */
function frame(chunks: Chunk[]): Uint8Array {
  let size = 0;
  for (const c of chunks) {
    size += varintSize((c.field << 3) | WIRE_LEN) + varintSize(c.payload.length) + c.payload.length;
  }
  // Every byte is written below (sizes are exact), so no zero-filling; and not from Node's shared
  // pool, where a small long-lived resource would pin a whole pool slab.
  const out = Buffer.allocUnsafeSlow(size);
  let pos = 0;
  for (const c of chunks) {
    pos = writeVarint(out, pos, (c.field << 3) | WIRE_LEN);
    pos = writeVarint(out, pos, c.payload.length);
    out.set(c.payload, pos);
    pos += c.payload.length;
  }
  return out;
}

/** A proto3 string field: omitted when empty. */
function str(chunks: Chunk[], field: number, value: string | undefined): void {
  if (value) chunks.push({ field, payload: utf8.encode(value) });
}

/**
 * Bytes that recur in every response (the type URL, the control plane), encoded once instead of
 * once per response. Bounded, in case a caller passes ever new values.
 */
const recurring = new Map<string, Uint8Array>();
function recurringBytes(key: string, encode: () => Uint8Array): Uint8Array {
  let bytes = recurring.get(key);
  if (bytes === undefined) {
    bytes = encode();
    if (recurring.size < 64) recurring.set(key, bytes);
  }
  return bytes;
}

/** A proto3 string field whose value recurs across responses. */
function recurringStr(chunks: Chunk[], field: number, value: string | undefined): void {
  if (value) chunks.push({ field, payload: recurringBytes(value, () => utf8.encode(value)) });
}

/** `google.protobuf.Any { type_url = 1; value = 2; }` */
export function encodeAny(typeUrl: string, value: Uint8Array): Uint8Array {
  const chunks: Chunk[] = [];
  recurringStr(chunks, 1, typeUrl);
  if (value.length > 0) chunks.push({ field: 2, payload: value });
  return frame(chunks);
}

/** `envoy.service.discovery.v3.Resource { version = 1; resource = 2; name = 3; }` */
export function encodeDeltaResource(
  name: string,
  version: string,
  anyBytes: Uint8Array,
): Uint8Array {
  const chunks: Chunk[] = [];
  str(chunks, 1, version);
  chunks.push({ field: 2, payload: anyBytes });
  str(chunks, 3, name);
  return frame(chunks);
}

/** `envoy.config.core.v3.ControlPlane { identifier = 1; }` */
function controlPlane(chunks: Chunk[], field: number, identifier: string | undefined): void {
  if (identifier)
    chunks.push({
      field,
      payload: recurringBytes(`control_plane ${identifier}`, () =>
        frame([{ field: 1, payload: utf8.encode(identifier) }]),
      ),
    });
}

export interface SotwResponseParts {
  versionInfo: string;
  /** Encoded `Any` messages. */
  resources: readonly Uint8Array[];
  typeUrl: string;
  nonce: string;
  controlPlaneId?: string;
}

/** `DiscoveryResponse { version_info = 1; resources = 2; canary = 3; type_url = 4; nonce = 5; control_plane = 6; }` */
export function encodeDiscoveryResponse(r: SotwResponseParts): Uint8Array {
  const chunks: Chunk[] = [];
  str(chunks, 1, r.versionInfo);
  for (const any of r.resources) chunks.push({ field: 2, payload: any });
  recurringStr(chunks, 4, r.typeUrl);
  str(chunks, 5, r.nonce);
  controlPlane(chunks, 6, r.controlPlaneId);
  return frame(chunks);
}

export interface DeltaResponseParts {
  systemVersionInfo: string;
  /** Encoded delta `Resource` messages. */
  resources: readonly Uint8Array[];
  typeUrl: string;
  removedResources: readonly string[];
  nonce: string;
  controlPlaneId?: string;
}

/**
 * `DeltaDiscoveryResponse { system_version_info = 1; resources = 2; type_url = 4; nonce = 5;
 * removed_resources = 6; control_plane = 7; }`
 */
export function encodeDeltaDiscoveryResponse(r: DeltaResponseParts): Uint8Array {
  const chunks: Chunk[] = [];
  str(chunks, 1, r.systemVersionInfo);
  for (const res of r.resources) chunks.push({ field: 2, payload: res });
  recurringStr(chunks, 4, r.typeUrl);
  str(chunks, 5, r.nonce);
  for (const name of r.removedResources) chunks.push({ field: 6, payload: utf8.encode(name) });
  controlPlane(chunks, 7, r.controlPlaneId);
  return frame(chunks);
}

export function decodeDiscoveryRequest(bytes: Uint8Array): DiscoveryRequest {
  return fromBinary(DiscoveryRequestSchema, bytes);
}

export function decodeDeltaDiscoveryRequest(bytes: Uint8Array): DeltaDiscoveryRequest {
  return fromBinary(DeltaDiscoveryRequestSchema, bytes);
}
