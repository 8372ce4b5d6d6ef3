/**
 * Unit tests: everything under test/ except test/integration, which needs system tools
 * (see jest.integration.config.js).
 *
 * - Every core works: Jest's default (cores - 1) leaves one of two cores idle.
 * - The project is synthesized once per run (test/support/global-setup.ts), not once per test file.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  maxWorkers: '100%',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
