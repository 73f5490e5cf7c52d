// The debug HTTP API (istiod's port 15014): readiness, and what each proxy was told. Bound to
// 127.0.0.1 by default because it exposes every proxy's full config.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DiscoveryServer } from '../server/discovery-server.js';
import { debugRoutes, type DebugResponse } from './routes.js';

export interface DebugServerOptions {
  host: string;
  port: number;
  /** True once config is loaded and the xDS port listens. */
  isReady: () => boolean;
}

export class DebugServer {
  private server: Server | undefined;

  constructor(
    private readonly discovery: DiscoveryServer,
    private readonly options: DebugServerOptions,
  ) {}

  listen(): Promise<number> {
    const routes = debugRoutes(this.discovery);
    this.server = createServer((req, res) => this.handle(routes, req, res));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, this.options.host, () => {
        const addr = this.server!.address();
        resolve(typeof addr === 'object' && addr ? addr.port : this.options.port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private handle(
    routes: Map<string, (url: URL) => DebugResponse>,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let out: DebugResponse;
    if (url.pathname === '/ready') {
      out = this.options.isReady()
        ? { status: 200, body: 'ready\n' }
        : { status: 503, body: 'not ready\n' };
    } else {
      const route = routes.get(url.pathname);
      try {
        out = route
          ? route(url)
          : { status: 404, body: `unknown path ${url.pathname}; try /debug\n` };
      } catch (err) {
        out = { status: 500, body: `${err instanceof Error ? err.message : String(err)}\n` };
      }
    }
    const isText = typeof out.body === 'string';
    res.writeHead(out.status, {
      'content-type':
        out.contentType ?? (isText ? 'text/plain; charset=utf-8' : 'application/json'),
    });
    res.end(isText ? out.body : `${JSON.stringify(out.body, null, 2)}\n`);
  }
}
