// Jest runs the TypeScript sources directly (SWC transform, native ESM). Two projects: `unit`
// (unit, golden and simulation suites, run in parallel) and `e2e` (real servers and clients on
// loopback; scripts/test.mjs runs it with --runInBand).
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

/** @type {import('jest').Config} */
export default {
  testTimeout: 30000,
  // grpc-js-xds keeps internal timers (a 10 s priority failover timer, reconnect backoff to a
  // stopped server) alive after its channels are closed; without this jest waits for them.
  forceExit: true,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/bench/**/*.test.ts'],
    },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.test.ts'] },
  ],
};
