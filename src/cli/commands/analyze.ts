// `mini-istiod analyze -f PATH...`: like `istioctl analyze`, one line per problem (or JSON with
// `-o json`), exit code 1 when any problem is an Error.
import type { Command } from 'commander';
import { analyzePaths } from '../../analyze/analyze.js';
import { formatConfigError, type ConfigError } from '../../model/validation/types.js';
import { getJson } from '../remote/debug-api.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Validate Istio and Kubernetes config files offline (like istioctl analyze)')
    .option('-f, --file <path>', 'file or directory to analyze (repeatable)', collect, [])
    .option(
      '--server <url>',
      "also report a running mini-istiod's rejected config (/debug/configz)",
    )
    .option('-o, --output <format>', 'output format: text or json', 'text')
    .action(async (opts: { file: string[]; output: string; server?: string }) => {
      if (opts.file.length === 0 && !opts.server)
        throw new Error('analyze: give -f <path> and/or --server <url>');
      const result = await analyzePaths(opts.file);
      if (opts.server) {
        // The server's store already validated its sources: its errors are what it rejected.
        const configz = (await getJson(opts.server, '/debug/configz')) as { errors: ConfigError[] };
        result.messages.push(...configz.errors);
        result.hasErrors ||= configz.errors.some((e) => e.severity === 'Error');
      }
      if (opts.output === 'json') {
        process.stdout.write(`${JSON.stringify(result.messages, null, 2)}\n`);
      } else if (result.messages.length === 0) {
        process.stdout.write('✔ No validation issues found when analyzing the given files.\n');
      } else {
        for (const m of result.messages) process.stdout.write(`${formatConfigError(m)}\n`);
      }
      if (result.hasErrors) process.exitCode = 1;
    });
}
