import { execFileSync } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';

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

/** A TCP port of 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
