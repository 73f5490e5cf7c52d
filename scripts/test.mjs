#!/usr/bin/env node
// `npm test`: everything a fresh machine needs, then every check, then one closing line
// `N passed, N failed` that CI reads.
//   1. static checks: types, lint, format;
//   2. test infrastructure, built once and cached outside the repo: a real kube-apiserver + etcd
//      (scripts/kube-test-env.sh) and the grpc-go xDS interop client (scripts/build-grpc-go-xds-client.sh);
//   3. jest: unit, golden and simulation suites in parallel, then the end-to-end suites (e2e/) one
//      file at a time, since they start servers and workloads on shared loopback ports.
// `npm test -- <jest args>` runs only jest with those arguments (no static checks, no builds).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const outDir = mkdtempSync(join(tmpdir(), 'mini-istiod-jest-'));
let passed = 0;
let failed = 0;

function run(label, cmd, args, env = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[test] ${label}: ${r.status === 0 ? 'ok' : 'FAILED'} (${secs}s)`);
  return r.status === 0;
}

function check(label, cmd, args) {
  if (run(label, cmd, args)) passed++;
  else failed++;
}

/** Runs jest with a JSON report and adds its counts; a suite that fails to load counts as a failure. */
function jest(label, args) {
  const report = join(outDir, `${label}.json`);
  const ok = run(
    label,
    process.execPath,
    [bin('jest'), '--json', `--outputFile=${report}`, ...args],
    {
      NODE_OPTIONS: '--experimental-vm-modules --no-warnings',
    },
  );
  let counted = 0;
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    counted = r.numFailedTests;
    const broken = r.testResults.filter(
      (t) => t.status === 'failed' && t.assertionResults.every((a) => a.status !== 'failed'),
    ).length;
    failed += broken;
    counted += broken;
    if (r.numTotalTests === 0) {
      failed++;
      counted++;
    }
  } catch {
    failed++;
    counted++;
  }
  if (!ok && counted === 0) failed++;
}

const jestArgs = process.argv.slice(2);
if (jestArgs.length > 0) {
  jest('jest', jestArgs);
} else {
  check('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  check('lint', bin('eslint'), ['.', '--max-warnings', '0']);
  check('format', bin('prettier'), ['--check', '.', '--log-level', 'warn']);
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) check('build', 'npm', ['run', 'build']);
  check('kube-apiserver + etcd', 'bash', ['scripts/kube-test-env.sh']);
  check('grpc-go xDS interop client', 'bash', ['scripts/build-grpc-go-xds-client.sh']);
  jest('jest (unit)', ['--selectProjects', 'unit']);
  jest('jest (e2e)', ['--selectProjects', 'e2e', '--runInBand']);
}
rmSync(outDir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
