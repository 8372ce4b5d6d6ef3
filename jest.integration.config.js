/**
 * Integration tests: run real tools against the synthesized output (promtool, a PostgreSQL server,
 * shellcheck, nginx, HAProxy, Lua 5.1 for the ArgoCD health checks, Chromium for the README's diagrams).
 * They need the Debian packages `prometheus`, `postgresql`, `shellcheck`, `nginx-light`, `haproxy`,
 * `lua5.1` and `chromium`; a missing tool fails the test with the package to install (Chromium: skipped
 * outside CI). `.ci/run` installs them.
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
