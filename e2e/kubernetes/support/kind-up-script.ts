// The webhook PKI and ValidatingWebhookConfiguration exactly as scripts/kind-up.sh makes them for a
// kind cluster (its `certs` and `webhook-config` commands, which need only openssl), so the e2e
// tests exercise the script users run rather than a copy of it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot, type Obj } from './cluster.js';

const SCRIPT = path.join(repoRoot, 'scripts', 'kind-up.sh');

export interface WebhookCerts {
  caCert: string;
  cert: string;
  key: string;
}

function kindUp(args: string[], env: Record<string, string> = {}): string {
  return execFileSync('bash', [SCRIPT, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `kind-up.sh certs DIR`; `extraSans` (openssl syntax, e.g. IP:127.0.0.1) for a loopback URL. */
export function makeWebhookCerts(dir: string, extraSans?: string): WebhookCerts {
  kindUp(['certs', dir], extraSans ? { MINI_ISTIOD_WEBHOOK_EXTRA_SANS: extraSans } : {});
  return {
    caCert: path.join(dir, 'ca.crt'),
    cert: path.join(dir, 'tls.crt'),
    key: path.join(dir, 'tls.key'),
  };
}

/** `kind-up.sh webhook-config CA`: the shipped configuration with caBundle filled in. */
export function renderedWebhookConfig(caCert: string): Obj {
  const docs = parseAllDocuments(kindUp(['webhook-config', caCert]))
    .map((d) => d.toJSON() as Obj | null)
    .filter((o): o is Obj => !!o?.kind);
  if (docs.length !== 1)
    throw new Error(`kind-up.sh webhook-config printed ${docs.length} objects`);
  return docs[0];
}
