// grpc-js's message decoder, wrapped so that it keeps no view into a consumed DATA chunk.
import { StreamDecoder } from '@grpc/grpc-js/build/src/stream-decoder.js';
import { releaseDecodedChunks } from '../grpc-chunk-release.js';

interface Internals {
  readCompressFlag: Buffer;
  readPartialMessage: Buffer[];
}

function framed(payload: number[], compressed = 0): Buffer {
  const out = Buffer.alloc(5 + payload.length);
  out[0] = compressed;
  out.writeUInt32BE(payload.length, 1);
  Buffer.from(payload).copy(out, 5);
  return out;
}

/** Whether a decoder field still references `chunk`'s memory. */
function pins(decoder: StreamDecoder, chunk: Buffer): boolean {
  const d = decoder as unknown as Internals;
  return [d.readCompressFlag, ...d.readPartialMessage].some((b) => b.buffer === chunk.buffer);
}

/** A chunk with its own ArrayBuffer, as HTTP/2 delivers them (not a slice of the shared pool). */
function chunk(bytes: Buffer): Buffer {
  const own = Buffer.from(new ArrayBuffer(bytes.length));
  bytes.copy(own);
  return own;
}

describe('releaseDecodedChunks', () => {
  beforeAll(() => {
    expect(releaseDecodedChunks()).toBe(true);
    expect(releaseDecodedChunks()).toBe(true);
  });

  it('decodes whole messages as before and keeps nothing of the chunk', () => {
    const decoder = new StreamDecoder(-1);
    const data = chunk(Buffer.concat([framed([1, 2, 3]), framed([4]), framed([])]));
    const out = decoder.write(data);
    expect(out.map((b) => [...b])).toEqual([
      [0, 0, 0, 0, 3, 1, 2, 3],
      [0, 0, 0, 0, 1, 4],
      [0, 0, 0, 0, 0],
    ]);
    expect(pins(decoder, data)).toBe(false);
  });

  it('reassembles a message split anywhere across chunks, compressed flag included', () => {
    const whole = framed([10, 11, 12, 13, 14, 15], 1);
    for (let a = 1; a < whole.length; a++) {
      for (let b = a; b < whole.length; b++) {
        const decoder = new StreamDecoder(-1);
        const parts = [whole.subarray(0, a), whole.subarray(a, b), whole.subarray(b)].map(chunk);
        const out = parts.flatMap((p) => decoder.write(p));
        expect(out.map((m) => [...m])).toEqual([[...whole]]);
        for (const p of parts) expect(pins(decoder, p)).toBe(false);
      }
    }
  });

  it('still rejects oversized messages', () => {
    const decoder = new StreamDecoder(2);
    expect(() => decoder.write(chunk(framed([1, 2, 3])))).toThrow(/larger than max/);
  });
});
