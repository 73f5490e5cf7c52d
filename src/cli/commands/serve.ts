// `mini-istiod serve`: the control plane. Loads config from files and/or a Kubernetes cluster,
// serves ADS on the xDS port, the debug API on the debug port and, when given a serving
// certificate, the validating admission webhook; shuts down gracefully on SIGTERM/SIGINT
// (streams ended after their queued writes).
//
// Memory: the Kubernetes client library (~25 MB of heap once loaded) is imported only when a
// cluster is followed; a file-only server never loads it.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DebugServer } from '../../debug/http-server.js';
import { DiscoveryServer } from '../../server/discovery-server.js';
import { sharedHeapTrim } from '../../server/native-heap-trim.js';
import { FileSource } from '../../sources/file/file-source.js';
import { ValidationWebhook } from '../../sources/kubernetes/webhook/webhook-server.js';
import type { ConfigSource } from '../../sources/types.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface ServeOptions {
  configDir: string[];
  kubeconfig?: string;
  kubeContext?: string;
  inCluster?: boolean;
  xdsPort: string;
  xdsHost: string;
  debugPort: string;
  debugHost: string;
  webhookPort: string;
  webhookCert?: string;
  webhookKey?: string;
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
    .option('--kubeconfig <path>', 'follow the cluster of this kubeconfig (CRDs, Services, ...)')
    .option('--kube-context <name>', 'kubeconfig context to use instead of the current one')
    .option('--in-cluster', "follow the cluster mini-istiod runs in (the pod's service account)")
    .option('--xds-port <port>', 'gRPC ADS port', '15010')
    .option('--xds-host <host>', 'address the ADS port binds to', '0.0.0.0')
    .option('--debug-port <port>', 'debug HTTP port (/ready, /debug/*, /metrics)', '15014')
    .option('--debug-host <host>', 'address the debug port binds to', '127.0.0.1')
    .option('--webhook-port <port>', 'validating admission webhook HTTPS port', '15017')
    .option('--webhook-cert <file>', 'PEM serving certificate: enables the admission webhook')
    .option('--webhook-key <file>', 'PEM key of --webhook-cert')
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

async function configSources(
  opts: ServeOptions,
  log: (line: string) => void,
): Promise<ConfigSource[]> {
  const sources: ConfigSource[] = [];
  if (opts.configDir.length > 0) {
    sources.push(
      new FileSource(opts.configDir, { onError: (err) => log(`config source: ${err.message}`) }),
    );
  }
  if (opts.kubeconfig || opts.inCluster) {
    const { createKubernetesSource } =
      await import('../../sources/kubernetes/kubernetes-source.js');
    sources.push(
      createKubernetesSource({
        kubeconfig: opts.kubeconfig,
        context: opts.kubeContext,
        onError: (err) => log(`kubernetes: ${err.message}`),
      }),
    );
  }
  if (sources.length === 0) {
    throw new Error('serve: give --config-dir DIR (repeatable), --kubeconfig PATH or --in-cluster');
  }
  return sources;
}

function webhookFor(opts: ServeOptions): ValidationWebhook | undefined {
  if (!opts.webhookCert && !opts.webhookKey) return undefined;
  if (!opts.webhookCert || !opts.webhookKey) {
    throw new Error('serve: --webhook-cert and --webhook-key go together');
  }
  return new ValidationWebhook({
    cert: readFileSync(opts.webhookCert),
    key: readFileSync(opts.webhookKey),
    port: Number(opts.webhookPort),
  });
}

async function runServe(opts: ServeOptions): Promise<void> {
  const log = (line: string) => {
    if (!opts.quiet) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  const policy = opts.outboundTrafficPolicy;
  if (policy !== 'ALLOW_ANY' && policy !== 'REGISTRY_ONLY') {
    throw new Error(
      `serve: --outbound-traffic-policy must be ALLOW_ANY or REGISTRY_ONLY, not ${policy}`,
    );
  }
  const discovery = new DiscoveryServer({
    sources: await configSources(opts, log),
    mesh: { outboundTrafficPolicy: policy },
    debounceMs: Number(opts.debounce),
    log,
  });
  const webhook = webhookFor(opts);
  let xdsListening = false;
  const debug = new DebugServer(discovery, {
    host: opts.debugHost,
    port: Number(opts.debugPort),
    isReady: () => discovery.ready && xdsListening,
  });
  const debugPort = await debug.listen();
  const webhookPort = webhook ? await webhook.listen() : undefined;
  await discovery.start();
  const xdsPort = await discovery.ads.listen(opts.xdsHost, Number(opts.xdsPort));
  xdsListening = true;
  log(
    `mini-istiod ready: xDS on ${opts.xdsHost}:${xdsPort}, debug on http://${opts.debugHost}:${debugPort}` +
      (webhookPort ? `, admission webhook on :${webhookPort}` : ''),
  );
  const heapTrim = sharedHeapTrim();
  if (!heapTrim.trim) log(`freed native memory is not trimmed after storms: ${heapTrim.reason}`);

  // The listeners stay until the shutdown is done: a signal often arrives twice (Ctrl-C or a
  // process-group kill reaches both this process and a wrapper that forwards it: npm, or the
  // malloc-tuning parent), and a second one without a listener would kill the process mid-stop.
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: shutting down`);
      Promise.all([discovery.stop(), debug.close(), webhook?.close()]).finally(() => {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        resolve();
      });
    };
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}
