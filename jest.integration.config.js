/**
 * Integration tests: run real tools against the synthesized output (promtool, a PostgreSQL server,
 * shellcheck, nginx, HAProxy, Lua 5.1 for the ArgoCD health checks). They need the Debian packages `prometheus`,
 * `postgresql`, `shellcheck`, `nginx-light`, `haproxy` and `lua5.1`; a missing tool fails the test with the package to
 * install. `.ci/run` installs them.
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
