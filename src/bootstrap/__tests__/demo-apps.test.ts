// The compose demo's two dependency-free apps really speak what the mesh expects: greeter is a
// gRPC server a standard client (grpc-js) can call, and hello-web calls it with the authority
// and end-user header a sidecar routes on.
import http from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { repoRoot } from './repo-root.js';

interface GreeterModule {
  startGreeter(o: { version: string; host: string; port: number }): Promise<Server>;
  encodeField1(text: string): Buffer;
  decodeField1(buf: Buffer): string;
}
interface HelloWebModule {
  startHelloWeb(o: {
    host: string;
    port: number;
    greeterAddress: string;
    greeterAuthority: string;
  }): Promise<Server>;
}

const load = async <T>(app: string): Promise<T> =>
  (await import(
    pathToFileURL(path.join(repoRoot, 'examples/docker', app, 'server.mjs')).href
  )) as T;

function get(port: number, headers: Record<string, string>): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/?name=ana', headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve([res.statusCode ?? 0, body]));
      })
      .on('error', reject);
  });
}

describe('compose demo apps', () => {
  const servers: Server[] = [];
  let client: grpc.Client | undefined;
  afterAll(async () => {
    client?.close();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('greeter answers grpc-js with its version; hello-web relays it and the end-user header', async () => {
    const greeterMod = await load<GreeterModule>('greeter');
    const greeter = await greeterMod.startGreeter({ version: 'v2', host: '127.0.0.1', port: 0 });
    servers.push(greeter);
    const greeterPort = (greeter.address() as AddressInfo).port;

    client = new grpc.Client(`127.0.0.1:${greeterPort}`, grpc.credentials.createInsecure());
    const reply = await new Promise<string>((resolve, reject) =>
      client?.makeUnaryRequest(
        '/helloworld.Greeter/SayHello',
        (name: string) => greeterMod.encodeField1(name),
        (b: Buffer) => greeterMod.decodeField1(b),
        'bob',
        (err, value) => (err ? reject(err) : resolve(value ?? '')),
      ),
    );
    expect(reply).toBe('Hello bob from greeter v2');

    // A stand-in sidecar that records what hello-web sends, then forwards it to greeter.
    const seen: http.IncomingHttpHeaders[] = [];
    const { default: http2 } = await import('node:http2');
    const proxy = http2.createServer();
    proxy.on('stream', (stream, headers) => {
      seen.push(headers);
      const upstream = http2.connect(`http://127.0.0.1:${greeterPort}`);
      const req = upstream.request({ ...headers });
      stream.pipe(req);
      req.on('response', (h) => stream.respond(h, { waitForTrailers: true }));
      req.on('trailers', (t) => stream.once('wantTrailers', () => stream.sendTrailers(t)));
      req.pipe(stream);
      req.on('end', () => upstream.close());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    servers.push(proxy as unknown as Server);

    const web = await (
      await load<HelloWebModule>('hello-web')
    ).startHelloWeb({
      host: '127.0.0.1',
      port: 0,
      greeterAddress: `127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      greeterAuthority: 'greeter.default.svc.cluster.local:3000',
    });
    servers.push(web);
    const [status, body] = await get((web.address() as AddressInfo).port, { 'end-user': 'jason' });
    expect([status, body]).toEqual([200, 'Hello ana from greeter v2\n']);
    expect(seen[0][':authority']).toBe('greeter.default.svc.cluster.local:3000');
    expect(seen[0]['end-user']).toBe('jason');
  });
});
