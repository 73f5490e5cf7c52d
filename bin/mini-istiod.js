#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm ci` / `npm install`).
// `serve` may first run itself again as a child with glibc malloc settings (see
// src/cli/serve-malloc-tuning.ts); this process then only forwards signals and the exit status,
// so the CLI is loaded only where it runs.
import { runServeWithMallocTuning } from '../dist/cli/serve-malloc-tuning.js';

if (!runServeWithMallocTuning()) {
  const { main } = await import('../dist/cli/main.js');
  main(process.argv).catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
