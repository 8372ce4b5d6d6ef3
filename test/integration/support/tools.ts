import { execFileSync } from 'node:child_process';

/**
 * The path of a system tool the integration tests need; throws a message saying which Debian package
 * provides it, so a missing tool is a clear failure and never a silent skip.
 */
export function requireTool(command: string, debianPackage: string, searchPath: readonly string[] = []): string {
  for (const candidate of [...searchPath, command]) {
    try {
      return execFileSync('sh', ['-c', `command -v "${candidate}"`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next candidate
    }
  }
  throw new Error(`${command} is not installed: install the Debian package "${debianPackage}" (apt-get install ${debianPackage})`);
}
