// Plain HTTP(S) access to the API server with the credentials of a KubeConfig (client certs,
// bearer tokens, CA), for the two calls the reflectors make: a JSON GET and a streaming watch.
//
// Why not client-node's Watch/ListWatch: its watch has no idle timeout (a silently dropped
// connection hangs forever) and ListWatch gives up on any error other than 410. Here every request
// is bounded and the caller decides how to recover; KubeConfig still does all the auth work.
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';

/** An HTTP answer other than 2xx; `status` is the HTTP status (410 = resource version too old). */
export class KubeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface WatchStream {
  /** Resolves when the stream ends: `undefined` on a clean end, else the error that ended it. */
  readonly done: Promise<Error | undefined>;
  abort(): void;
}

export class KubeHttp {
  constructor(
    private readonly kc: KubeConfig,
    private readonly requestTimeoutMs = 30_000,
  ) {}

  async getJson(path: string): Promise<unknown> {
    const req = await this.open('GET', path);
    return new Promise((resolve, reject) => {
      req.setTimeout(this.requestTimeoutMs, () =>
        req.destroy(new Error(`GET ${path}: no answer within ${this.requestTimeoutMs} ms`)),
      );
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            reject(
              new KubeHttpError(status, `GET ${path}: HTTP ${status}: ${statusMessage(body)}`),
            );
            return;
          }
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(new Error(`GET ${path}: invalid JSON: ${(err as Error).message}`));
          }
        });
      });
      req.end();
    });
  }

  /**
   * Opens `path` (which carries `watch=1` and its query) and calls `onEvent` per JSON line. The
   * stream is aborted when nothing (not even a bookmark) arrives for `idleTimeoutMs`.
   */
  async watch(
    path: string,
    onEvent: (event: unknown) => void,
    idleTimeoutMs: number,
  ): Promise<WatchStream> {
    const req = await this.open('GET', path);
    let finish: (err: Error | undefined) => void = () => undefined;
    const done = new Promise<Error | undefined>((resolve) => {
      let settled = false;
      finish = (err) => {
        if (settled) return;
        settled = true;
        req.destroy();
        resolve(err);
      };
    });
    req.setTimeout(idleTimeoutMs, () =>
      finish(new Error(`watch ${path}: idle for ${idleTimeoutMs} ms`)),
    );
    req.on('error', (err) => finish(err));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          finish(
            new KubeHttpError(
              status,
              `watch ${path}: HTTP ${status}: ${statusMessage(Buffer.concat(chunks).toString())}`,
            ),
          ),
        );
        res.on('error', (err) => finish(err));
        return;
      }
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (!line.trim()) return;
        let event: unknown;
        try {
          event = JSON.parse(line);
        } catch {
          finish(new Error(`watch ${path}: unparsable event`));
          return;
        }
        onEvent(event);
      });
      // readline re-emits its input's errors (an aborted response): handled, not thrown.
      lines.on('error', (err) => finish(err));
      res.on('error', (err) => finish(err));
      res.on('aborted', () => finish(new Error(`watch ${path}: connection aborted`)));
      lines.on('close', () => finish(undefined));
    });
    req.end();
    return { done, abort: () => finish(undefined) };
  }

  private async open(method: string, path: string): Promise<http.ClientRequest> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    const opts: https.RequestOptions = { method, headers: { Accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(opts);
    const target = {
      ...opts,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      path: url.pathname + url.search,
      // One connection per request: a watch must not share a socket with anything else.
      agent: false,
    };
    return url.protocol === 'http:' ? http.request(target) : https.request(target);
  }
}

function statusMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) {
      return String((parsed as { message: unknown }).message);
    }
  } catch {
    // not a Status object
  }
  return body.slice(0, 200);
}
