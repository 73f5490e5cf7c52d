// A minimal protobuf wire reader for the load client. Responses can be hundreds of KB; decoding
// them fully with the generated codecs would make the client, not the server, the bottleneck.
// The client only needs a few fields (names, nonces, versions, route and EDS names), so it walks
// the wire format and reads exactly those, leaving everything else as unread bytes.

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** Called per field; for LEN fields `start..end` is the payload, for varints `value` is set. */
export type FieldVisitor = (field: number, start: number, end: number, value: number) => void;

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    value += (b & 0x7f) * mul;
    if (b < 0x80) return [value, pos];
    mul *= 128;
  }
}

/** Visits the top-level fields of the message in `buf[start..end)`. */
export function forEachField(
  buf: Uint8Array,
  start: number,
  end: number,
  visit: FieldVisitor,
): void {
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = readVarint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    pos = afterTag;
    if (wire === WIRE_VARINT) {
      const [value, next] = readVarint(buf, pos);
      visit(field, pos, next, value);
      pos = next;
    } else if (wire === WIRE_LEN) {
      const [len, next] = readVarint(buf, pos);
      visit(field, next, next + len, 0);
      pos = next + len;
    } else if (wire === WIRE_I64) {
      pos += 8;
    } else if (wire === WIRE_I32) {
      pos += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
}

const utf8 = new TextDecoder();

export function text(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, end));
}
