/**
 * A throwaway PostgreSQL server for integration tests: initdb in a temporary folder, listening on
 * 127.0.0.1 at a free port (password authentication, like the managed database) and on a unix socket
 * in the same folder (trust, for the test's own setup and checks).
 *
 * postgres refuses to run as root. When the tests run as root (CI), the server runs as the `postgres`
 * system user that Debian's postgresql package creates, and its folder is handed to that user.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireTool } from './tools';

const DEBIAN_POSTGRESQL = '/usr/lib/postgresql';

/** Debian installs the server programs in /usr/lib/postgresql/<major>/bin, outside PATH; newest first. */
function debianBinDirectories(): string[] {
  if (!existsSync(DEBIAN_POSTGRESQL)) return [];
  return readdirSync(DEBIAN_POSTGRESQL)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => join(DEBIAN_POSTGRESQL, major, 'bin'));
}

/** A PostgreSQL program (initdb, pg_ctl, psql, pg_dump, pg_restore), or an error naming the package. */
export function postgresTool(name: string): string {
  return requireTool(name, 'postgresql', debianBinDirectories().map((dir) => join(dir, name)));
}

/** The environment without libpq's PG* variables, so the caller's shell cannot redirect or authenticate a connection. */
export function environmentWithoutLibpq(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
}

export class TestPostgres {
  /** The bootstrap superuser; the dump connects as this role. */
  static readonly USER = 'backup';

  private readonly asServerUser: (command: string, args: string[]) => [string, string[]];

  private constructor(
    readonly folder: string,
    readonly port: number,
    /** Contains characters that must be percent-encoded in a URI, as real passwords do. */
    readonly password: string,
  ) {
    if (process.getuid?.() === 0) {
      const runuser = requireTool('runuser', 'util-linux');
      this.asServerUser = (command, args) => [runuser, ['-u', 'postgres', '--', command, ...args]];
    } else {
      this.asServerUser = (command, args) => [command, args];
    }
  }

  static async start(): Promise<TestPostgres> {
    const initdb = postgresTool('initdb');
    const server = new TestPostgres(mkdtempSync(join(tmpdir(), 'db-dump-pg-')), await freePort(), 'S3cret+/pw%é');
    try {
      writeFileSync(server.passwordFile, server.password + '\n');
      if (process.getuid?.() === 0) server.handToServerUser();
      server.runAsServerUser(initdb, [
        `--pgdata=${server.dataDirectory}`,
        `--username=${TestPostgres.USER}`,
        `--pwfile=${server.passwordFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ]);
      const settings = [`port = ${server.port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${server.folder}'`, 'fsync = off'];
      // Appended, so the file keeps the owner initdb gave it.
      appendFileSync(join(server.dataDirectory, 'postgresql.conf'), settings.join('\n') + '\n');
      server.runAsServerUser(postgresTool('pg_ctl'), ['start', `--pgdata=${server.dataDirectory}`, `--log=${server.logFile}`, '--wait', '--timeout=60']);
    } catch (error) {
      const log = existsSync(server.logFile) ? `\nserver log:\n${readFileSync(server.logFile, 'utf8')}` : '';
      server.removeFolder();
      throw new Error(`could not start PostgreSQL: ${(error as Error).message}${log}`);
    }
    return server;
  }

  private get dataDirectory(): string {
    return join(this.folder, 'data');
  }

  private get passwordFile(): string {
    return join(this.folder, 'password');
  }

  private get logFile(): string {
    return join(this.folder, 'server.log');
  }

  /** The libpq URI the dump script gets as DB_URL: over TCP, with the password. */
  url(database: string, overrides: { port?: number; password?: string } = {}): string {
    const password = encodeURIComponent(overrides.password ?? this.password);
    return `postgresql://${TestPostgres.USER}:${password}@127.0.0.1:${overrides.port ?? this.port}/${database}`;
  }

  /** Runs SQL through the unix socket and returns psql's unaligned, tuples-only output. */
  psql(database: string, sql: string): string {
    return execFileSync(postgresTool('psql'), [...this.socketOptions(database), '--no-psqlrc', '--quiet', '--no-align', '--tuples-only', '--set=ON_ERROR_STOP=1'], {
      input: sql,
      encoding: 'utf8',
      env: environmentWithoutLibpq(),
    });
  }

  /** Connection options of psql and pg_restore for the unix socket. */
  socketOptions(database: string): string[] {
    return [`--host=${this.folder}`, `--port=${this.port}`, `--username=${TestPostgres.USER}`, `--dbname=${database}`];
  }

  stop(): void {
    try {
      this.runAsServerUser(postgresTool('pg_ctl'), ['stop', `--pgdata=${this.dataDirectory}`, '--mode=fast', '--wait']);
    } finally {
      this.removeFolder();
    }
  }

  private handToServerUser(): void {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    let uid: number;
    let gid: number;
    try {
      [uid, gid] = [id('-u'), id('-g')];
    } catch {
      throw new Error('running as root, the server needs the "postgres" system user, which the Debian package "postgresql" creates');
    }
    for (const path of [this.folder, this.passwordFile]) chownSync(path, uid, gid);
  }

  private runAsServerUser(command: string, args: string[]): void {
    const [file, argv] = this.asServerUser(command, args);
    // In the server's folder: the server user may not be allowed into the caller's working directory.
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: environmentWithoutLibpq(), cwd: this.folder });
  }

  private removeFolder(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}
