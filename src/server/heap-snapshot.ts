// Bench/diagnostics hook: with MINI_ISTIOD_HEAP_SNAPSHOT_DIR set, SIGUSR2 writes a V8 heap
// snapshot of the server into that directory (analyse it with bench/heap/analyze-heap.ts or
// Chrome DevTools). Off by default: writing a snapshot pauses the process for seconds and needs
// about as much memory again as the heap, so it is never armed in production unless asked for.
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

export const HEAP_SNAPSHOT_DIR_ENV = 'MINI_ISTIOD_HEAP_SNAPSHOT_DIR';

let installed = false;

/** Installs the SIGUSR2 handler once per process when the environment variable is set. */
export function installHeapSnapshotSignal(log: (line: string) => void): boolean {
  const dir = process.env[HEAP_SNAPSHOT_DIR_ENV];
  if (!dir || installed) return installed;
  installed = true;
  process.on('SIGUSR2', () => {
    const file = path.join(dir, `mini-istiod-${process.pid}-${Date.now()}.heapsnapshot`);
    const started = performance.now();
    writeHeapSnapshot(file);
    // stderr on purpose: the bench waits for this line even when the server runs with --quiet.
    process.stderr.write(
      `heap snapshot written: ${file} (${Math.round(performance.now() - started)} ms)\n`,
    );
  });
  log(`heap snapshots on SIGUSR2 into ${dir}`);
  return true;
}
