#!/usr/bin/env node
// Generates the typed message codecs under src/gen/ from the vendored protos (buf and
// protoc-gen-es both come from pinned npm devDependencies, so no network is needed).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'src', 'gen'), { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'buf'), ['generate'], {
  cwd: root,
  stdio: 'inherit',
});
