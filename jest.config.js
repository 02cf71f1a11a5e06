// Unit specs live beside the code (src/**/*.spec.ts); e2e specs in test/ (*.e2e-spec.ts).
// NestJS 12 is ESM-only: the test script runs Jest on Node 24 with --experimental-vm-modules so that
// CommonJS test code can require() it.
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
};
