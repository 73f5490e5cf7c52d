// When `serve` re-runs itself with glibc malloc settings, and when it must not. The wrapper
// process itself (signals, exit status) is exercised end to end in e2e/cli/.
import {
  MALLOC_TUNING_ENV,
  MALLOC_TUNING_MARKER,
  MALLOC_TUNING_SWITCH,
  currentHost,
  mallocTuningEnv,
  type HostFacts,
} from '../serve-malloc-tuning.js';

const LINUX_GLIBC: HostFacts = { platform: 'linux', glibc: true, inspector: false };
const argv = (...args: string[]) => ['/usr/bin/node', '/app/bin/mini-istiod.js', ...args];
const SERVE = argv('serve', '--config-dir', 'examples/bookinfo');

describe('mallocTuningEnv', () => {
  it('gives serve the three variables and the marker, keeping the rest of the environment', () => {
    const env = { PATH: '/usr/bin', NODE_ENV: 'production' };
    const tuned = mallocTuningEnv(SERVE, env, LINUX_GLIBC, 4242);
    expect(tuned).toEqual({
      PATH: '/usr/bin',
      NODE_ENV: 'production',
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '32768',
      MALLOC_TRIM_THRESHOLD_: '262144',
      [MALLOC_TUNING_MARKER]: '4242',
    });
    expect(env).toEqual({ PATH: '/usr/bin', NODE_ENV: 'production' });
  });

  it('leaves every other command, no command and serve --help in this process', () => {
    for (const args of [
      argv('translate', '-f', 'x.yaml', '--node-id', 'serve'),
      argv('analyze', 'serve'),
      argv('--version'),
      argv(),
      argv('serve', '--help'),
      argv('serve', '-h'),
    ]) {
      expect(mallocTuningEnv(args, {}, LINUX_GLIBC, 1)).toBeUndefined();
    }
  });

  it('runs serve in this process once re-executed (no loop)', () => {
    const child = mallocTuningEnv(SERVE, {}, LINUX_GLIBC, 7);
    expect(child).toBeDefined();
    expect(mallocTuningEnv(SERVE, child ?? {}, LINUX_GLIBC, 8)).toBeUndefined();
  });

  it('is switched off by MINI_ISTIOD_MALLOC_TUNING=0|false|off|no, on by anything else', () => {
    for (const off of ['0', 'false', 'OFF', 'no']) {
      expect(
        mallocTuningEnv(SERVE, { [MALLOC_TUNING_SWITCH]: off }, LINUX_GLIBC, 1),
      ).toBeUndefined();
    }
    for (const on of ['1', 'true', '']) {
      expect(mallocTuningEnv(SERVE, { [MALLOC_TUNING_SWITCH]: on }, LINUX_GLIBC, 1)).toMatchObject(
        MALLOC_TUNING_ENV,
      );
    }
  });

  it('respects malloc settings the user made: any of the variables, or glibc.malloc tunables', () => {
    for (const name of Object.keys(MALLOC_TUNING_ENV)) {
      expect(mallocTuningEnv(SERVE, { [name]: '8' }, LINUX_GLIBC, 1)).toBeUndefined();
    }
    const tunables = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=1' };
    expect(mallocTuningEnv(SERVE, tunables, LINUX_GLIBC, 1)).toBeUndefined();
    const unrelated = { GLIBC_TUNABLES: 'glibc.pthread.rseq=0' };
    expect(mallocTuningEnv(SERVE, unrelated, LINUX_GLIBC, 1)).toMatchObject(unrelated);
  });

  it('needs Linux with glibc and no debugger on this process', () => {
    const hosts: HostFacts[] = [
      { ...LINUX_GLIBC, platform: 'darwin' },
      { ...LINUX_GLIBC, glibc: false },
      { ...LINUX_GLIBC, inspector: true },
    ];
    for (const host of hosts) expect(mallocTuningEnv(SERVE, {}, host, 1)).toBeUndefined();
  });
});

describe('currentHost', () => {
  it('describes this process', () => {
    const host = currentHost();
    expect(host.platform).toBe(process.platform);
    expect(host.inspector).toBe(false);
    const header = (process.report.getReport() as { header: { glibcVersionRuntime?: string } })
      .header;
    expect(host.glibc).toBe(header.glibcVersionRuntime !== undefined);
  });
});
