/**
 * Integration tests: run real tools against the synthesized output (promtool, a PostgreSQL server,
 * shellcheck, nginx). They need the Debian packages `prometheus`, `postgresql`, `shellcheck` and
 * `nginx-light`; a missing tool fails the test with the package to install. `.ci/run` installs them.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 120000,
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
