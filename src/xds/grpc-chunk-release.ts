// grpc-js (checked against 1.14) reassembles the messages of every call with a StreamDecoder that
// keeps, after each HTTP/2 DATA chunk, `readCompressFlag` as a one-byte slice of that chunk and
// the slices of the last message in `readPartialMessage` until the next message starts. A slice
// pins its chunk's whole ArrayBuffer, so every idle ADS stream keeps the last request it received
// in raw form (an ACK naming all of its subscribed resources: kilobytes per stream, tens of MB
// over thousands of streams) although the request was decoded and dropped long ago.
//
// `releaseDecodedChunks` wraps the decoder's `write` so that once a chunk is consumed the decoder
// holds no view into it between messages: the flag is replaced by an equal shared byte and the
// consumed message slices are dropped. Decoding is unchanged (the same bytes are returned), and a
// message split over several chunks keeps its slices until complete, as before. It applies to
// every grpc-js call in the process. When the decoder does not have the expected shape (another
// grpc-js version), nothing is changed.
import { StreamDecoder } from '@grpc/grpc-js/build/src/stream-decoder.js';

/** The fields of grpc-js's StreamDecoder this relies on (private in its typings). */
interface DecoderFields {
  readState: number;
  readCompressFlag: Buffer;
  readPartialMessage: Buffer[];
}

/** grpc-js ReadState.NO_DATA: between messages. */
const NO_DATA = 0;
/** The two valid compressed-flag values, shared by every decoder; never written to. */
const FLAGS = [Buffer.alloc(1, 0), Buffer.alloc(1, 1)];

let installed: boolean | undefined;

function hasExpectedShape(): boolean {
  if (typeof StreamDecoder?.prototype?.write !== 'function') return false;
  const probe = new StreamDecoder(-1) as unknown as Partial<DecoderFields>;
  return (
    probe.readState === NO_DATA &&
    Buffer.isBuffer(probe.readCompressFlag) &&
    Array.isArray(probe.readPartialMessage)
  );
}

/** Installs the wrapper once per process; returns whether it is active. */
export function releaseDecodedChunks(): boolean {
  if (installed !== undefined) return installed;
  installed = hasExpectedShape();
  if (!installed) return false;
  const write = StreamDecoder.prototype.write;
  StreamDecoder.prototype.write = function (this: StreamDecoder, data: Buffer): Buffer[] {
    const messages = write.call(this, data);
    const d = this as unknown as DecoderFields;
    const flag = d.readCompressFlag;
    if (flag.length === 1 && flag !== FLAGS[0] && flag !== FLAGS[1]) {
      // Still read when the message under way completes; any other value is copied as is.
      d.readCompressFlag = FLAGS[flag[0]] ?? Buffer.from(flag);
    }
    if (d.readState === NO_DATA && d.readPartialMessage.length > 0) d.readPartialMessage = [];
    return messages;
  };
  return true;
}
