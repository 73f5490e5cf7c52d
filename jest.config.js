// Jest runs the TypeScript sources directly (SWC transform, native ESM).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: [
    '<rootDir>/src/**/*.test.ts',
    '<rootDir>/e2e/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
    '<rootDir>/bench/**/*.test.ts',
  ],
  testTimeout: 30000,
};
