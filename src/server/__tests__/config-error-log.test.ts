// Config problems are logged when the set of errors changes, never again for the same set, and
// the recovery is logged once; warnings alone are not reported.
import type { ConfigError } from '../../model/validation/types.js';
import { ConfigErrorLog } from '../config-error-log.js';

const problem = (name: string, severity: ConfigError['severity'] = 'Error'): ConfigError => ({
  code: 'IST0106',
  severity,
  source: { file: `${name}.yaml`, docIndex: 0 },
  kind: 'VirtualService',
  namespace: 'default',
  name,
  field: 'spec.http[0].route',
  message: 'weights sum to 0',
});

describe('ConfigErrorLog', () => {
  it('logs only when the set of errors changes', () => {
    const lines: string[] = [];
    const log = new ConfigErrorLog((line) => lines.push(line));
    log.report([problem('a')]);
    log.report([problem('a'), problem('w', 'Warning')]);
    log.report([problem('a'), problem('b')]);
    log.report([]);
    log.report([]);
    expect(lines).toEqual([
      'config: 1 problem(s); rejected resources keep their last valid version\n' +
        '  Error [IST0106] a.yaml[0] VirtualService default/a spec.http[0].route: weights sum to 0',
      'config: 2 problem(s); rejected resources keep their last valid version\n' +
        '  Error [IST0106] a.yaml[0] VirtualService default/a spec.http[0].route: weights sum to 0\n' +
        '  Error [IST0106] b.yaml[0] VirtualService default/b spec.http[0].route: weights sum to 0',
      'config: all resources valid',
    ]);
  });

  it('stays quiet for warnings on a valid config', () => {
    const lines: string[] = [];
    new ConfigErrorLog((line) => lines.push(line)).report([problem('w', 'Warning')]);
    expect(lines).toEqual([]);
  });
});
