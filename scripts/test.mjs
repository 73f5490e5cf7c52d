#!/usr/bin/env node
// `npm test`: static checks (types, lint, format) and the jest suites (unit, golden, e2e),
// then one closing line `N passed, N failed` that CI reads. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (label, cmd, args, env = {}) => {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[test] ${label}: ${r.status === 0 ? 'ok' : 'FAILED'} (${secs}s)`);
  return r.status === 0;
};

let passed = 0;
let failed = 0;
const jestArgs = process.argv.slice(2);
const focused = jestArgs.length > 0;

if (!focused) {
  for (const [label, cmd, args] of [
    ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
    ['lint', bin('eslint'), ['.', '--max-warnings', '0']],
    ['format', bin('prettier'), ['--check', '.', '--log-level', 'warn']],
  ]) {
    if (run(label, cmd, args)) passed++;
    else failed++;
  }
}

const outDir = mkdtempSync(join(tmpdir(), 'mini-istiod-jest-'));
const report = join(outDir, 'report.json');
const ok = run(
  'jest',
  process.execPath,
  [bin('jest'), '--json', `--outputFile=${report}`, ...jestArgs],
  {
    NODE_OPTIONS: '--experimental-vm-modules --no-warnings',
  },
);
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A suite that fails to load has no failed tests of its own: count it as one failure.
  failed += r.testResults.filter(
    (t) => t.status === 'failed' && t.assertionResults.length === 0,
  ).length;
  if (r.numTotalTests === 0) failed++;
} catch {
  failed++;
}
if (!ok && failed === 0) failed++;
rmSync(outDir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
