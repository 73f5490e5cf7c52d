// The `mini-istiod` command line. Each subcommand lives in its own module under commands/
// and registers itself on the root program.
import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerBootstrap } from './commands/bootstrap.js';
import { registerDemo } from './commands/demo.js';
import { registerDescribe } from './commands/describe.js';
import { registerExplain } from './commands/explain.js';
import { registerProxyConfig } from './commands/proxy-config.js';
import { registerProxyStatus } from './commands/proxy-status.js';
import { registerServe } from './commands/serve.js';
import { registerTranslate } from './commands/translate.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('mini-istiod')
    .description(
      'An Envoy xDS control plane for Istio config: serves Listeners, Routes, Clusters and Endpoints\n' +
        'to Envoy sidecars, ingress gateways and proxyless gRPC clients.',
    )
    .version(VERSION)
    .showHelpAfterError();
  // commands: one line each, keep sorted
  registerAnalyze(program);
  registerBootstrap(program);
  registerDemo(program);
  registerDescribe(program);
  registerExplain(program);
  registerProxyConfig(program);
  registerProxyStatus(program);
  registerServe(program);
  registerTranslate(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
