// Reports config validation problems to the server log when, and only when, the set of them
// changes: a source update that fixes or breaks nothing stays quiet.
import { formatConfigError, type ConfigError } from '../model/validation/types.js';

export class ConfigErrorLog {
  private lastReported = '';

  constructor(private readonly log: (line: string) => void) {}

  /** Takes the store's current problems; only those of severity Error are reported. */
  report(errors: readonly ConfigError[]): void {
    const lines = errors.filter((e) => e.severity === 'Error').map(formatConfigError);
    const text = lines.join('\n');
    if (text === this.lastReported) return;
    this.lastReported = text;
    if (lines.length === 0) this.log('config: all resources valid');
    else
      this.log(
        `config: ${lines.length} problem(s); rejected resources keep their last valid version\n  ${lines.join('\n  ')}`,
      );
  }
}
