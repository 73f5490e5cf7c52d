// hello-web: an HTTP page that asks greeter (gRPC) to say hello and shows who answered. It calls
// greeter through its sidecar's egress listener (GREETER_ADDRESS, 127.0.0.1:3000) with greeter's
// service name as :authority, so the sidecar's routes (VirtualService greeter) pick the version.
// The `end-user` request header is passed on, for header-based routing.
// Env: LISTEN_HOST (127.0.0.1), LISTEN_PORT (8081), GREETER_ADDRESS, GREETER_AUTHORITY.
import http from 'node:http';
import http2 from 'node:http2';
import { Buffer } from 'node:buffer';
import { URL, pathToFileURL } from 'node:url';

const METHOD = '/helloworld.Greeter/SayHello';

function encodeName(name) {
  const body = Buffer.from(name, 'utf8');
  if (body.length > 127) throw new Error('name too long');
  const message = Buffer.concat([Buffer.from([0x0a, body.length]), body]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** The reply's field 1, assuming the short messages greeter sends (one-byte lengths). */
function decodeMessage(buf) {
  if (buf.length < 7 || buf[5] !== 0x0a) return '';
  return buf.subarray(7, 7 + buf[6]).toString('utf8');
}

export function sayHello({ address, authority, name, endUser }) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${address}`);
    session.on('error', reject);
    const headers = {
      ':method': 'POST',
      ':path': METHOD,
      ':authority': authority,
      'content-type': 'application/grpc',
      te: 'trailers',
    };
    if (endUser) headers['end-user'] = endUser;
    const req = session.request(headers);
    const chunks = [];
    let status;
    req.on('response', (h) => (status = h['grpc-status']));
    req.on('trailers', (t) => (status = t['grpc-status'] ?? status));
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      session.close();
      if (status !== undefined && status !== '0') reject(new Error(`grpc-status ${status}`));
      else resolve(decodeMessage(Buffer.concat(chunks)));
    });
    req.on('error', (e) => {
      session.close();
      reject(e);
    });
    req.end(encodeName(name));
  });
}

export function startHelloWeb({
  host = '127.0.0.1',
  port = 8081,
  greeterAddress = '127.0.0.1:3000',
  greeterAuthority = 'greeter.default.svc.cluster.local:3000',
} = {}) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hello-web');
    const endUser = req.headers['end-user'];
    try {
      const message = await sayHello({
        address: greeterAddress,
        authority: greeterAuthority,
        name: url.searchParams.get('name') ?? 'mesh',
        endUser: typeof endUser === 'string' ? endUser : undefined,
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${message}\n`);
    } catch (e) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`greeter failed: ${e.message}\n`);
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startHelloWeb({
    host: process.env.LISTEN_HOST ?? '127.0.0.1',
    port: Number(process.env.LISTEN_PORT ?? 8081),
    greeterAddress: process.env.GREETER_ADDRESS ?? '127.0.0.1:3000',
    greeterAuthority: process.env.GREETER_AUTHORITY ?? 'greeter.default.svc.cluster.local:3000',
  });
  console.log('hello-web listening on', server.address());
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
