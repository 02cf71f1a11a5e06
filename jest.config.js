// Three tiers, each runnable alone (npm run test:unit | test:integration | test:e2e); `npm test` runs all three.
// - unit: specs beside the code (src/**/*.spec.ts). No database, no engine, no global setup.
// - integration: services and repositories against a real PostgreSQL (src/**/*.int-spec.ts, beside the code).
// - e2e: the whole application with a real PostgreSQL, Centrifugo, Redis, nginx and Chromium (test/**/*.e2e-spec.ts).
// NestJS 12 is ESM-only: the test scripts run Jest on Node 24 with --experimental-vm-modules so that CommonJS
// test code can require() it.
const shared = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
};
const withDatabase = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...shared, ...withDatabase, displayName: 'integration', testMatch: ['<rootDir>/src/**/*.int-spec.ts'] },
    { ...shared, ...withDatabase, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
