// Test helpers for the file source: a temp directory per test and a log of delivered updates
// with polling waits (never fixed sleeps), so tests hold on a slow, loaded machine.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SourceUpdate } from '../../types.js';

export async function makeTempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'mini-istiod-file-source-'));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

/** A small, valid Istio resource as YAML; `host` varies the content between versions. */
export function virtualService(name: string, host = name): string {
  return [
    'apiVersion: networking.istio.io/v1',
    'kind: VirtualService',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  hosts: [${host}]`,
    '  http:',
    `  - route: [{destination: {host: ${host}}}]`,
    '',
  ].join('\n');
}

export function hostsOf(u: SourceUpdate): string[] {
  return u.documents.map((d) => String((d.object.spec as { hosts: string[] }).hosts[0]));
}

export class UpdateLog {
  readonly batches: SourceUpdate[][] = [];
  readonly onUpdate = (batch: SourceUpdate[]): void => {
    this.batches.push(batch);
  };

  get all(): SourceUpdate[] {
    return this.batches.flat();
  }

  /** A position in the log; waits and queries can start from it. */
  mark(): number {
    return this.all.length;
  }

  forOrigin(origin: string, from = 0): SourceUpdate[] {
    return this.all.slice(from).filter((u) => u.origin === origin);
  }

  /** Resolves with the first update after `from` that matches, polling until `timeoutMs`. */
  async waitFor(
    what: string,
    match: (u: SourceUpdate) => boolean,
    from = 0,
    timeoutMs = 10_000,
  ): Promise<SourceUpdate> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.all.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}; got ${JSON.stringify(this.all.slice(from))}`,
        );
      }
      await delay(20);
    }
  }

  /** Waits until nothing has been delivered for `quietMs` (to check that nothing more comes). */
  async quiet(quietMs = 500, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let count = this.all.length;
    let since = Date.now();
    while (Date.now() - since < quietMs) {
      if (Date.now() > deadline) throw new Error('updates kept coming');
      await delay(20);
      if (this.all.length !== count) {
        count = this.all.length;
        since = Date.now();
      }
    }
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
