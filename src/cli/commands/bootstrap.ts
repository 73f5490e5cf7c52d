// `mini-istiod bootstrap --node-id <id> [--xds-address host:port] [--labels k=v,...]
// [--namespace <ns>] [--mtls] [-o json|yaml] [--grpc [--cert-dir <dir>]]`: prints the bootstrap
// that points an Envoy sidecar or gateway (default) or a proxyless gRPC application (--grpc) at
// mini-istiod. A node id or address the server could not use is an error (exit code 2).
import type { Command } from 'commander';
import { resolveIdentity } from '../../bootstrap/bootstrap-options.js';
import { formatEnvoyBootstrap } from '../../bootstrap/envoy-bootstrap.js';
import { formatGrpcBootstrap } from '../../bootstrap/grpc-bootstrap.js';
import { DEFAULT_XDS_ADDRESS } from '../../bootstrap/xds-address.js';
import { parseLabelList } from './translate.js';

export interface BootstrapCommandOptions {
  nodeId: string;
  xdsAddress?: string;
  labels?: string;
  namespace?: string;
  mtls?: boolean;
  output?: string;
  grpc?: boolean;
  certDir?: string;
}

export interface BootstrapCommandResult {
  stdout?: string;
  stderr: string[];
  exitCode: number;
}

export function runBootstrap(opts: BootstrapCommandOptions): BootstrapCommandResult {
  const fail = (message: string): BootstrapCommandResult => ({ stderr: [message], exitCode: 2 });
  const output = opts.output ?? 'json';
  if (output !== 'json' && output !== 'yaml')
    return fail(`-o: expected json or yaml, got "${output}"`);
  if (opts.grpc === true && output !== 'json') {
    return fail('-o: a gRPC xDS bootstrap is JSON only (gRPC reads no YAML)');
  }
  let labels: Record<string, string> | undefined;
  if (opts.labels !== undefined) {
    const parsed = parseLabelList(opts.labels);
    if (typeof parsed === 'string') return fail(parsed);
    labels = parsed;
  }
  const identity = resolveIdentity({
    nodeId: opts.nodeId,
    xdsAddress: opts.xdsAddress,
    labels,
    namespace: opts.namespace,
    mtls: opts.mtls,
  });
  if (!identity.ok) return fail(identity.error);
  const stdout =
    opts.grpc === true
      ? formatGrpcBootstrap(identity.value, { certDir: opts.certDir })
      : formatEnvoyBootstrap(identity.value, output);
  return { stdout, stderr: [], exitCode: 0 };
}

export function registerBootstrap(program: Command): void {
  program
    .command('bootstrap')
    .description(
      'Print an Envoy bootstrap (or, with --grpc, a gRPC xDS bootstrap) pointing at mini-istiod',
    )
    .requiredOption(
      '--node-id <id>',
      'proxy node id: <type>~<ip>~<pod>.<ns>~<ns>.svc.cluster.local',
    )
    .option('--xds-address <host:port>', "mini-istiod's xDS address", DEFAULT_XDS_ADDRESS)
    .option('--labels <k=v,...>', 'workload labels (else the server takes them from the Pod)')
    .option('--namespace <ns>', 'namespace (else the one in the node id)')
    .option('--mtls', 'add the SDS cluster (Envoy) or certificate provider (gRPC) for mTLS', false)
    .option('-o, --output <format>', 'json or yaml (Envoy only)', 'json')
    .option('--grpc', 'print a gRPC xDS bootstrap (GRPC_XDS_BOOTSTRAP) instead', false)
    .option(
      '--cert-dir <dir>',
      'with --grpc --mtls: directory of cert-chain.pem, key.pem, root-cert.pem',
    )
    .action((opts: BootstrapCommandOptions) => {
      const result = runBootstrap(opts);
      for (const line of result.stderr) process.stderr.write(`${line}\n`);
      if (result.stdout !== undefined) process.stdout.write(result.stdout);
      process.exitCode = result.exitCode;
    });
}
