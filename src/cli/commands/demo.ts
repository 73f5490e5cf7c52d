// `mini-istiod demo`: the live bookinfo demo (server, real gRPC workloads, a proxyless client and
// a share-per-version chart), and `mini-istiod demo step <name>`, which applies one of
// examples/steps to the running demo's config dir.
import type { Command } from 'commander';
import { readDemoState } from '../../demo/demo-state.js';
import { runDemo } from '../../demo/run-demo.js';
import { applyStep, listSteps } from '../../demo/steps.js';
import { DEFAULT_USER_MIX, parseUserMix } from '../../demo/user-mix.js';

interface DemoCliOptions {
  configDir?: string;
  tty: boolean;
  duration?: string;
  rate: string;
  users: string;
  xdsPort: string;
  debugPort: string;
}

function positiveNumber(flag: string, text: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new Error(
      `demo: ${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, not ${text}`,
    );
  }
  return n;
}

export function registerDemo(program: Command): void {
  const demo = program
    .command('demo')
    .description(
      'Live bookinfo demo: mini-istiod, gRPC workloads on loopback and a proxyless client;\n' +
        'shows the share of reviews traffic each version gets, every second',
    )
    .option(
      '--config-dir <dir>',
      'config to serve and edit live (default: a temp copy of examples/bookinfo)',
    )
    .option('--no-tty', 'print one line per second instead of a bar chart')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)')
    .option('--rate <n>', 'calls per second', '50')
    .option(
      '--users <mix>',
      'user mix, name[:weight],... (anonymous = no end-user header)',
      DEFAULT_USER_MIX,
    )
    .option('--xds-port <port>', 'gRPC ADS port (0 picks one)', '15010')
    .option('--debug-port <port>', 'debug HTTP port (0 picks one)', '15014')
    .action(async (opts: DemoCliOptions) => {
      await runDemoCommand(opts);
    });

  demo
    .command('step <name>')
    .description(
      'Apply examples/steps/<name>.yaml as the reviews VirtualService of the running demo',
    )
    .option('--config-dir <dir>', "the demo's config dir (default: the running demo's)")
    // `demo` has a --config-dir of its own, and commander gives a flag to the parent command when
    // both define it: read it from either.
    .action(async (name: string, opts: { configDir?: string }, cmd: Command) => {
      const parentOpts: { configDir?: string } = cmd.parent?.opts() ?? {};
      const configDir = opts.configDir ?? parentOpts.configDir;
      process.stdout.write(`${await runDemoStep(name, { configDir })}\n`);
    });
}

/** Applies a step; returns the sentence to print. */
export async function runDemoStep(name: string, opts: { configDir?: string }): Promise<string> {
  let dir = opts.configDir;
  if (dir === undefined) {
    const state = await readDemoState();
    if (state === undefined) {
      throw new Error(
        'demo step: no running demo found; start `mini-istiod demo` or give --config-dir',
      );
    }
    dir = state.configDir;
  }
  const file = await applyStep(name, dir);
  return `applied step ${name}: ${file} (steps: ${(await listSteps()).join(', ')})`;
}

async function runDemoCommand(opts: DemoCliOptions): Promise<void> {
  const users = parseUserMix(opts.users);
  if (typeof users === 'string') throw new Error(`demo: ${users}`);
  const rate = positiveNumber('--rate', opts.rate);
  const duration =
    opts.duration === undefined ? undefined : positiveNumber('--duration', opts.duration);
  const tty = opts.tty && process.stdout.isTTY === true;
  const demo = await runDemo({
    configDir: opts.configDir,
    tty,
    rate,
    users,
    xdsPort: positiveNumber('--xds-port', opts.xdsPort, true),
    debugPort: positiveNumber('--debug-port', opts.debugPort, true),
    out: process.stdout,
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  await new Promise<void>((resolve) => {
    const timer = duration === undefined ? undefined : setTimeout(resolve, duration * 1000);
    const stop = () => {
      if (timer) clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await demo.stop();
  // grpc-js-xds keeps timers (resource does-not-exist, backoff) that would hold the process open.
  process.exit(0);
}
