// `mini-istiod serve`: the control plane. Loads config (files, and a cluster when a kubeconfig is
// given), serves ADS on the xDS port and the debug API on the debug port, and shuts down
// gracefully on SIGTERM/SIGINT (streams ended after their queued writes).
import type { Command } from 'commander';
import { DebugServer } from '../../debug/http-server.js';
import { DiscoveryServer } from '../../server/discovery-server.js';
import { FileSource } from '../../sources/file/file-source.js';
import type { ConfigSource } from '../../sources/types.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface ServeOptions {
  configDir: string[];
  xdsPort: string;
  xdsHost: string;
  debugPort: string;
  debugHost: string;
  outboundTrafficPolicy: string;
  debounce: string;
  quiet?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the control plane: ADS over gRPC plus the debug HTTP API')
    .option(
      '--config-dir <dir>',
      'directory of Istio/Kubernetes YAML or JSON, watched live (repeatable)',
      collect,
      [],
    )
    .option('--xds-port <port>', 'gRPC ADS port', '15010')
    .option('--xds-host <host>', 'address the ADS port binds to', '0.0.0.0')
    .option('--debug-port <port>', 'debug HTTP port (/ready, /debug/*, /metrics)', '15014')
    .option('--debug-host <host>', 'address the debug port binds to', '127.0.0.1')
    .option(
      '--outbound-traffic-policy <mode>',
      'mesh outboundTrafficPolicy: ALLOW_ANY or REGISTRY_ONLY',
      'ALLOW_ANY',
    )
    .option('--debounce <ms>', 'quiet window before a config change is pushed', '100')
    .option('-q, --quiet', 'log only errors')
    .action(async (opts: ServeOptions) => {
      await runServe(opts);
    });
}

async function runServe(opts: ServeOptions): Promise<void> {
  const log = (line: string) => {
    if (!opts.quiet) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  if (opts.configDir.length === 0) throw new Error('serve: give at least one --config-dir');
  const policy = opts.outboundTrafficPolicy;
  if (policy !== 'ALLOW_ANY' && policy !== 'REGISTRY_ONLY') {
    throw new Error(
      `serve: --outbound-traffic-policy must be ALLOW_ANY or REGISTRY_ONLY, not ${policy}`,
    );
  }
  const sources: ConfigSource[] = [
    new FileSource(opts.configDir, { onError: (err) => log(`config source: ${err.message}`) }),
  ];
  const discovery = new DiscoveryServer({
    sources,
    mesh: { outboundTrafficPolicy: policy },
    debounceMs: Number(opts.debounce),
    log,
  });
  let xdsListening = false;
  const debug = new DebugServer(discovery, {
    host: opts.debugHost,
    port: Number(opts.debugPort),
    isReady: () => discovery.ready && xdsListening,
  });
  const debugPort = await debug.listen();
  await discovery.start();
  const xdsPort = await discovery.ads.listen(opts.xdsHost, Number(opts.xdsPort));
  xdsListening = true;
  log(
    `mini-istiod ready: xDS on ${opts.xdsHost}:${xdsPort}, debug on http://${opts.debugHost}:${debugPort}`,
  );

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: shutting down`);
      Promise.all([discovery.stop(), debug.close()]).finally(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
