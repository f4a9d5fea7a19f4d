// Two projects: unit tests beside the code (src/**/*.spec.ts) and end-to-end suites (test/)
// that talk HTTP to a real app over a real PostgreSQL and S3 server, started by the global set-up.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
};

module.exports = {
  // Per-project testTimeout is ignored by Jest; e2e tests start apps and databases.
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
      slowTestThreshold: 20,
    },
  ],
};
