// Lets the tests leave their real command output behind for docs/debugging.md: with
// RECORD_OUTPUT=<dir>, each recorded output is written to <dir>/<name>.txt. No-op otherwise.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function recordOutput(name: string, text: string): void {
  const dir = process.env.RECORD_OUTPUT;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.txt`), text);
}
