// The HTTPS endpoint the API server calls for validation (`POST /validate`, AdmissionReview v1).
// It has its own serving certificate: the API server only calls webhooks over TLS, and checks
// the certificate against the caBundle of the ValidatingWebhookConfiguration.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { reviewAdmission } from './admission-review.js';

export interface ValidationWebhookOptions {
  /** PEM serving certificate (chain) and key. */
  cert: string | Buffer;
  key: string | Buffer;
  host?: string;
  /** Default 15017, as istiod's webhook port. */
  port?: number;
  /** Largest request accepted (default 3 MiB: the API server's own object size limit). */
  maxBodyBytes?: number;
}

export const WEBHOOK_PATH = '/validate';

export class ValidationWebhook {
  private readonly server: https.Server;

  constructor(private readonly options: ValidationWebhookOptions) {
    const limit = options.maxBodyBytes ?? 3 * 1024 * 1024;
    this.server = https.createServer({ cert: options.cert, key: options.key }, (req, res) => {
      const reply = (status: number, body: unknown): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url?.split('?')[0] !== WEBHOOK_PATH) {
        reply(404, { error: `only POST ${WEBHOOK_PATH}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) req.destroy();
        else chunks.push(c);
      });
      req.on('end', () => {
        try {
          reply(200, reviewAdmission(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch (err) {
          reply(400, { error: (err as Error).message });
        }
      });
    });
  }

  /** Resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 15017, this.options.host ?? '0.0.0.0', () =>
        resolve((this.server.address() as AddressInfo).port),
      );
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
