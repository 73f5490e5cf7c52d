// greeter: a gRPC service `helloworld.Greeter/SayHello` (HelloRequest{name=1} → HelloReply{message=1})
// written on node:http2 alone, so the image needs no npm install. It answers with its VERSION,
// which is how the demo shows where each call was routed.
// Env: VERSION (v1), LISTEN_HOST (127.0.0.1: only its sidecar reaches it), LISTEN_PORT (3001).
import http2 from 'node:http2';
import { Buffer } from 'node:buffer';
import { pathToFileURL } from 'node:url';

const METHOD = '/helloworld.Greeter/SayHello';

/** Field 1 (a string) of a protobuf message: the only field both messages have. */
export function decodeField1(buf) {
  let pos = 0;
  const varint = () => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[pos++];
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 2) {
      const len = varint();
      const value = buf.subarray(pos, pos + len);
      pos += len;
      if (tag >>> 3 === 1) return value.toString('utf8');
    } else if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else break;
  }
  return '';
}

export function encodeField1(text) {
  const body = Buffer.from(text, 'utf8');
  const len = [];
  for (let n = body.length; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, ...len]), body]);
}

/** gRPC's length-prefixed message: 1 byte "compressed" flag, 4 bytes big-endian length. */
export function frame(message) {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

export function startGreeter({ version = 'v1', host = '127.0.0.1', port = 3001 } = {}) {
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      if (headers[':path'] !== METHOD) {
        stream.respond(
          { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' },
          { endStream: true },
        );
        return;
      }
      const body = Buffer.concat(chunks);
      const name = body.length >= 5 ? decodeField1(body.subarray(5)) : '';
      const reply = `Hello ${name || 'world'} from greeter ${version}`;
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc' },
        { waitForTrailers: true },
      );
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(frame(encodeField1(reply)));
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const version = process.env.VERSION ?? 'v1';
  const server = await startGreeter({
    version,
    host: process.env.LISTEN_HOST ?? '127.0.0.1',
    port: Number(process.env.LISTEN_PORT ?? 3001),
  });
  console.log(`greeter ${version} listening on`, server.address());
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
