// glibc malloc settings for `serve`, outside containers too. The server frees hundreds of MB of
// response buffers during a connect storm; with glibc's defaults that memory stays in the process
// (the mmap threshold rises after the first large free, so later buffers fragment the brk heap,
// and each thread arena keeps its own free memory): ~900 MB RSS after a 2,000-proxy storm instead
// of ~550 MB (docs/performance.md, "malloc tuning"). glibc reads these variables only when the
// process starts, so setting them in process.env is too late: `serve` runs itself once more, as a
// child with the variables, and this process only waits for it.
//
// Contract of the wrapper (the parent): stdio is shared; SIGTERM, SIGINT, SIGHUP and SIGUSR2 are
// forwarded (the server stops on the first two; SIGUSR2 writes a heap snapshot when armed); it
// exits with the child's exit code, or dies of the child's signal. The child stops (as on SIGTERM)
// if the wrapper disappears without forwarding anything, e.g. on SIGKILL, so a server is never left
// running without the process its supervisor knows.
//
// Not re-executed: other commands (short-lived), `serve --help`, non-Linux or non-glibc systems
// (musl does not read these variables), a user who sets any of the variables (or glibc.malloc
// tunables) himself, a debugger attached to this process, and MINI_ISTIOD_MALLOC_TUNING=0.
import { spawn } from 'node:child_process';
import inspector from 'node:inspector';
import { constants } from 'node:os';

export const MALLOC_TUNING_ENV: Readonly<Record<string, string>> = {
  // Two arenas instead of 8 per core: freed memory is shared instead of stranded per thread.
  MALLOC_ARENA_MAX: '2',
  // A fixed threshold (setting it disables glibc's dynamic raise): buffers of 32 KiB and more
  // (framed responses, most encoded clusters and listeners of a storm) are mmapped and go back
  // to the OS when freed, instead of leaving holes in the heap that only its top can return.
  // 32 KiB: ~45 MB less heap after a 2,000-proxy storm than 128 KiB; lower thresholds move the
  // nghttp2 sessions' 16 KiB buffers into page-rounded mappings and cost more than they save.
  MALLOC_MMAP_THRESHOLD_: '32768',
  // Free memory above 256 KiB at the top of the heap is returned to the OS.
  MALLOC_TRIM_THRESHOLD_: '262144',
};

/** `0`, `false`, `off` or `no` switches the re-execution off. */
export const MALLOC_TUNING_SWITCH = 'MINI_ISTIOD_MALLOC_TUNING';
/** Set in the child to the wrapper's pid: no second re-execution, and the child follows its wrapper. */
export const MALLOC_TUNING_MARKER = 'MINI_ISTIOD_MALLOC_TUNED_BY';

/** Signals the wrapper passes on (SIGUSR1 is left to Node's inspector). */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGUSR2',
];

/** How often the child checks that its wrapper is still its parent. */
const PARENT_CHECK_MS = 500;

export interface HostFacts {
  platform: NodeJS.Platform;
  /** The C library is glibc (Node's process report names its runtime version). */
  glibc: boolean;
  /** A debugger is attached or listening: it must stay on the process that runs the server. */
  inspector: boolean;
}

export function currentHost(): HostFacts {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } };
  return {
    platform: process.platform,
    glibc: report?.header?.glibcVersionRuntime !== undefined,
    inspector: inspector.url() !== undefined,
  };
}

/** The first argument that is not an option: the command (the root program's options take no values). */
function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/**
 * The environment to run `argv` again with, or undefined to run it in this process. Pure:
 * `argv` is process.argv-shaped (node, script, args...), `env` is never modified.
 */
export function mallocTuningEnv(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  host: HostFacts,
  wrapperPid: number,
): NodeJS.ProcessEnv | undefined {
  if (commandOf(argv) !== 'serve') return undefined;
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  if (env[MALLOC_TUNING_MARKER] !== undefined) return undefined;
  if (['0', 'false', 'off', 'no'].includes((env[MALLOC_TUNING_SWITCH] ?? '').toLowerCase())) {
    return undefined;
  }
  if (host.platform !== 'linux' || !host.glibc || host.inspector) return undefined;
  const userTuned =
    Object.keys(MALLOC_TUNING_ENV).some((k) => env[k] !== undefined) ||
    (env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.');
  if (userTuned) return undefined;
  return { ...env, ...MALLOC_TUNING_ENV, [MALLOC_TUNING_MARKER]: String(wrapperPid) };
}

/**
 * Entry-point hook, called before the CLI is loaded. Returns true when this process has become
 * the wrapper of a tuned child (the caller must then do nothing else), false when the command
 * runs here; in a tuned child it also arms the watch on the wrapper.
 */
export function runServeWithMallocTuning(): boolean {
  if (process.env[MALLOC_TUNING_MARKER] !== undefined) {
    followWrapper(Number(process.env[MALLOC_TUNING_MARKER]));
    return false;
  }
  const env = mallocTuningEnv(process.argv, process.env, currentHost(), process.pid);
  if (!env) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env,
  });
  const forwarders = new Map<NodeJS.Signals, () => void>();
  for (const signal of FORWARDED_SIGNALS) {
    const forward = () => {
      child.kill(signal);
    };
    forwarders.set(signal, forward);
    process.on(signal, forward);
  }
  child.once('error', (err) => {
    console.error(`serve: cannot start the server process: ${err.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    if (code !== null) process.exit(code);
    // Die of the same signal, so a shell or supervisor sees what the server saw.
    const sig = signal ?? 'SIGTERM';
    const forward = forwarders.get(sig);
    if (forward) process.off(sig, forward);
    process.kill(process.pid, sig);
    // Reached only for a signal whose default action is not to terminate.
    process.exit(128 + (constants.signals[sig] ?? 0));
  });
  return true;
}

/** In the child: SIGTERM to itself (the server's graceful stop) once the wrapper is gone. */
function followWrapper(wrapperPid: number): void {
  if (process.ppid !== wrapperPid) return; // started some other way: nothing to follow
  const timer = setInterval(() => {
    if (process.ppid === wrapperPid) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, PARENT_CHECK_MS);
  timer.unref();
}
