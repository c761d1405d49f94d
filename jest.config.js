// @ts-check
/** @type {import("jest").Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Services (FerretDB, Redis, PostgreSQL) are started once, idempotently, before any file.
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  // Each test file gets its own database (test/support/env.ts); two workers keep the
  // 2-core machine busy without starving the store.
  maxWorkers: 2,
  testTimeout: 60_000,
};
