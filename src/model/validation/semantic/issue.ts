// What a semantic rule reports: the field path and the problem; validate-resource turns it into a
// ConfigError naming the file and resource.
import type { Severity } from '../types.js';

export interface SemanticIssue {
  field: string;
  message: string;
  severity?: Severity;
}

/** Collects issues; rules call `err`/`warn` with the path of the offending field. */
export class Issues {
  readonly list: SemanticIssue[] = [];
  err(field: string, message: string): void {
    this.list.push({ field, message, severity: 'Error' });
  }
  warn(field: string, message: string): void {
    this.list.push({ field, message, severity: 'Warning' });
  }
  /** Records `message` as an error when it is defined (for checker functions returning a reason). */
  check(field: string, message: string | undefined): void {
    if (message !== undefined) this.err(field, message);
  }
}
