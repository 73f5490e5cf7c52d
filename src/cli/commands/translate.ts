// `mini-istiod translate -f <file|dir>... --node-id <id> [--labels k=v,...] [--metadata '<json>']
// [-o json|yaml]`: translates the given config for one proxy, offline, and prints what istiod
// would send it as an Envoy admin ConfigDump (the same shape as Envoy's /config_dump).
// Invalid resources are reported on stderr with file, resource and field, and skipped; an
// unusable node id or metadata is an error (exit code 2).
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { buildPushContext } from '../../model/build-push-context.js';
import { DEFAULT_MESH_CONFIG } from '../../model/config.js';
import { ConfigStore } from '../../model/config-store.js';
import { parseProxy } from '../../model/proxy-identity.js';
import { formatConfigError } from '../../model/validation/types.js';
import { loadConfigPaths } from '../../sources/file/index.js';
import { configDumpJson } from '../../translate/config-dump.js';
import { translateProxy } from '../../translate/translate-proxy.js';

export interface TranslateCommandOptions {
  file: string[];
  nodeId: string;
  labels?: string;
  metadata?: string;
  output?: string;
}

export interface TranslateCommandResult {
  /** The config dump text, or undefined when the proxy could not be translated. */
  stdout?: string;
  /** One line per problem (config errors, warnings, proxy errors). */
  stderr: string[];
  exitCode: number;
}

/** `k=v,k2=v2` → labels; an entry without `=` is an error. */
export function parseLabelList(text: string): Record<string, string> | string {
  const labels: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `--labels: "${part}" is not key=value`;
    labels[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return labels;
}

function parseMetadata(text: string | undefined): Record<string, unknown> | string {
  if (text === undefined || text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return '--metadata: expected a JSON object';
    }
    return value as Record<string, unknown>;
  } catch (e) {
    return `--metadata: not valid JSON (${e instanceof Error ? e.message : String(e)})`;
  }
}

export async function runTranslate(opts: TranslateCommandOptions): Promise<TranslateCommandResult> {
  const output = opts.output ?? 'json';
  if (output !== 'json' && output !== 'yaml') {
    return { stderr: [`-o: expected json or yaml, got "${output}"`], exitCode: 2 };
  }
  const metadata = parseMetadata(opts.metadata);
  if (typeof metadata === 'string') return { stderr: [metadata], exitCode: 2 };
  if (opts.labels !== undefined) {
    const labels = parseLabelList(opts.labels);
    if (typeof labels === 'string') return { stderr: [labels], exitCode: 2 };
    metadata.LABELS = labels;
  }

  const store = new ConfigStore();
  store.apply(await loadConfigPaths(opts.file));
  const stderr = store.errors().map(formatConfigError);
  const push = buildPushContext(
    store.snapshot(),
    DEFAULT_MESH_CONFIG,
    String(store.currentVersion()),
  );

  const parsed = parseProxy(opts.nodeId, metadata, push);
  if (!parsed.ok) return { stderr: [...stderr, parsed.error], exitCode: 2 };
  stderr.push(...parsed.warnings.map((w) => `Warning: ${w}`));

  const dump = configDumpJson(translateProxy(parsed.value, push));
  const stdout = output === 'yaml' ? stringify(dump) : `${JSON.stringify(dump, null, 2)}\n`;
  return { stdout, stderr, exitCode: 0 };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerTranslate(program: Command): void {
  program
    .command('translate')
    .description(
      'Print the Envoy config istiod would send one proxy, as an Envoy admin config dump',
    )
    .requiredOption('-f, --file <path>', 'config file or directory (repeatable)', collect, [])
    .requiredOption(
      '--node-id <id>',
      'proxy node id: <type>~<ip>~<pod>.<ns>~<ns>.svc.cluster.local',
    )
    .option('--labels <k=v,...>', 'workload labels (else taken from the Pod in the config)')
    .option('--metadata <json>', 'node metadata as a JSON object (NAMESPACE, GENERATOR, ...)')
    .option('-o, --output <format>', 'json or yaml', 'json')
    .action(async (opts: TranslateCommandOptions) => {
      const result = await runTranslate(opts);
      for (const line of result.stderr) process.stderr.write(`${line}\n`);
      if (result.stdout !== undefined) process.stdout.write(result.stdout);
      process.exitCode = result.exitCode;
    });
}
