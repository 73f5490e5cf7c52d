// `mini-istiod analyze`: load files offline, validate every document (IST0106 and friends), then
// run the cross-reference analyzers over the valid resources. Errors come first by file order.
import { ConfigStore } from '../model/config-store.js';
import type { ConfigError } from '../model/validation/types.js';
import { loadConfigPaths } from '../sources/file/load-config-paths.js';
import { conflictingMeshGatewayHosts } from './conflicting-mesh-hosts.js';
import { referencedResourceNotFound } from './referenced-resources.js';

export interface AnalysisResult {
  messages: ConfigError[];
  hasErrors: boolean;
}

export async function analyzePaths(paths: string[]): Promise<AnalysisResult> {
  const store = new ConfigStore();
  store.apply(await loadConfigPaths(paths));
  const snapshot = store.snapshot();
  const messages = [
    ...store.errors(),
    ...referencedResourceNotFound(snapshot),
    ...conflictingMeshGatewayHosts(snapshot),
  ];
  messages.sort(
    (a, b) =>
      a.source.file.localeCompare(b.source.file) ||
      (a.source.docIndex ?? -1) - (b.source.docIndex ?? -1) ||
      (a.field ?? '').localeCompare(b.field ?? ''),
  );
  return { messages, hasErrors: messages.some((m) => m.severity === 'Error') };
}
