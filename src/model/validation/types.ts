// Every problem found in user config is reported as a ConfigError, which names the file (and
// document index), the resource, the field path and what is wrong, with Istio's analyzer code.
import type { SourceRef } from '../config.js';

export type Severity = 'Error' | 'Warning' | 'Info';

export interface ConfigError {
  /** Istio analyzer message code, e.g. IST0106 (SchemaValidationError), IST0101 (ReferencedResourceNotFound). */
  code: string;
  severity: Severity;
  source: SourceRef;
  /** Resource identity when known (a YAML syntax error may have none). */
  kind?: string;
  namespace?: string;
  name?: string;
  /** Dotted/indexed path of the offending field, e.g. `spec.http[0].route[1].weight`. */
  field?: string;
  message: string;
}

export type ValidationResult<T> =
  | { ok: true; value: T; warnings: ConfigError[] }
  | { ok: false; errors: ConfigError[]; warnings: ConfigError[] };

/** One line, e.g. `reviews.yaml[2] VirtualService default/reviews spec.http[0].route: weights sum to 0 (IST0106)`. */
export function formatConfigError(e: ConfigError): string {
  const where =
    e.source.docIndex === undefined ? e.source.file : `${e.source.file}[${e.source.docIndex}]`;
  const what = e.kind ? ` ${e.kind} ${e.namespace ?? 'default'}/${e.name ?? '?'}` : '';
  const field = e.field ? ` ${e.field}:` : ':';
  return `${e.severity} [${e.code}] ${where}${what}${field} ${e.message}`;
}
