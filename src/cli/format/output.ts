// How operator commands hand back their output: the text is built first (so tests assert on it
// and nothing is half-printed on error), then written once. JSON and YAML are stable for scripts.
import { stringify } from 'yaml';
import { DebugApiError } from '../remote/debug-api.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export const ok = (stdout: string): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
export const fail = (message: string, exitCode = 1): CommandResult => ({
  stdout: '',
  stderr: `Error: ${message}\n`,
  exitCode,
});

/** `json` or `yaml` rendering of plain data; undefined for other formats (tables). */
export function structured(data: unknown, format: string | undefined): string | undefined {
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  if (format === 'yaml') return stringify(data);
  return undefined;
}

/** Runs a command body; a thrown DebugApiError or Error becomes a one-line message, exit 1. */
export async function guarded(body: () => Promise<CommandResult>): Promise<CommandResult> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof DebugApiError || err instanceof Error) return fail(err.message);
    return fail(String(err));
  }
}

export function emit(r: CommandResult): void {
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.exitCode !== 0) process.exitCode = r.exitCode;
}

/** `5s`, `3m`, `2h` since an ISO time, as istioctl prints ages. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}
