// Giving freed native memory back to the OS (glibc's malloc_trim, through dist/native/malloc-trim.node,
// built from src/native/malloc-trim.c by `npm run build`).
//
// Why: Buffers, HTTP/2 sessions and grpc-js frames live in malloc's heap, outside V8. A storm frees
// most of what it allocated, but glibc returns memory to the OS only from the top of its heap, and
// the sessions and resources that stay are spread all over it. After a 2,000-proxy connect storm
// ~65 MB of such holes stay resident (docs/performance.md, "Memory at 2,000 proxies").
// malloc_trim(0) releases every whole free page, wherever it is; it takes a few ms and changes no
// live allocation, so the idle collection calls it after each compacting collection.
//
// Optional: where the module is missing (not Linux with glibc, no C compiler at build time) or
// switched off with MINI_ISTIOD_MALLOC_TRIM=0, loading reports why and nothing is trimmed.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Returns whether memory was released. */
export type HeapTrim = () => boolean;

/** `0`, `false`, `off` or `no` switches the trim off. */
export const HEAP_TRIM_ENV = 'MINI_ISTIOD_MALLOC_TRIM';

export type HeapTrimLoad = { trim: HeapTrim; path: string } | { trim?: undefined; reason: string };

/**
 * Where the built module may be, relative to this file: dist/server (installed package),
 * src/server (tests), dist-bench/src/server (benchmarks); all lead to the package's dist/native.
 */
export function defaultModulePaths(): string[] {
  return ['../native/', '../../dist/native/', '../../../dist/native/'].map((dir) =>
    fileURLToPath(new URL(`${dir}malloc-trim.node`, import.meta.url)),
  );
}

export function loadHeapTrim(
  env: NodeJS.ProcessEnv = process.env,
  paths: readonly string[] = defaultModulePaths(),
): HeapTrimLoad {
  if (['0', 'false', 'off', 'no'].includes((env[HEAP_TRIM_ENV] ?? '').toLowerCase())) {
    return { reason: `switched off by ${HEAP_TRIM_ENV}` };
  }
  const path = paths.find((p) => existsSync(p));
  if (path === undefined) return { reason: 'malloc-trim.node is not built (npm run build)' };
  try {
    const loaded = createRequire(import.meta.url)(path) as { trim?: unknown };
    if (typeof loaded.trim !== 'function') return { reason: `${path} exports no trim()` };
    const trim = loaded.trim as () => unknown;
    return { trim: () => trim() === true, path };
  } catch (err) {
    return { reason: `${path} does not load: ${(err as Error).message}` };
  }
}

let shared: HeapTrimLoad | undefined;

/** The process's trim, loaded once. */
export function sharedHeapTrim(): HeapTrimLoad {
  shared ??= loadHeapTrim();
  return shared;
}
