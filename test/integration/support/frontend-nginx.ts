/**
 * The frontend's nginx, for real: the nginx.conf that dist/<env> mounts into the frontend pod, with only
 * its pod paths (port, site root, /tmp) moved into a test folder, over a site laid out like the SPA's
 * build (frontend/public: icons/, fonts/, templates/; Quasar's assets/).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { FRONTEND_IMAGE } from '../../../lib/application/contract';
import { FRONTEND_NGINX_CONF, FRONTEND_SITE_ROOT } from '../../../lib/workloads/frontend-server';
import { freePort, requireTool } from './tools';

export function deployedFrontendConf(environment = 'prod'): string {
  const file = resolve(__dirname, '..', '..', '..', 'dist', environment, 'configmap-frontend-server-config.yaml');
  return parse(readFileSync(file, 'utf8')).data[FRONTEND_NGINX_CONF.file];
}

export interface Reply {
  readonly status: number;
  readonly location?: string;
  readonly type?: string;
  readonly cacheControl?: string;
  readonly body: string;
}

export function get(port: number, path: string, agent?: import('node:http').Agent): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { host: 'co2-calculator.epfl.ch' } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        done({ status: res.statusCode!, location: res.headers.location, type: res.headers['content-type'], cacheControl: res.headers['cache-control'], body }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

function replaceOnce(text: string, from: string, to: string): string {
  if (text.split(from).length !== 2) throw new Error(`expected "${from}" exactly once in the frontend nginx.conf`);
  return text.replace(from, to);
}

export interface RunningNginx {
  readonly port: number;
  readonly process: ChildProcess;
  readonly folder: string;
  log(): string;
  /** Resolves with the exit code or signal once the process has ended. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts nginx on a free port with `conf` (a frontend nginx.conf). `masterProcess` runs it as the image
 * does (a master and workers, whose graceful SIGQUIT closes the listener first); off, one process.
 */
export async function startFrontendNginx(conf: string, options: { masterProcess?: boolean; port?: number } = {}): Promise<RunningNginx> {
  const binary = requireTool('nginx', 'nginx-light', ['/usr/sbin/nginx']);
  const folder = mkdtempSync(join(tmpdir(), 'frontend-nginx-'));
  // Workers run as nobody when the test runs as root: they must read the site.
  chmodSync(folder, 0o755);
  const port = options.port ?? (await freePort());
  const site = join(folder, 'html');
  for (const dir of ['icons', 'fonts', 'templates', 'assets']) mkdirSync(join(site, dir), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><script src="/assets/index.js"></script>spa');
  writeFileSync(join(site, 'icons', 'favicon-16x16.png'), 'png');
  writeFileSync(join(site, 'templates', 'building_rooms_template.csv'), 'room,area\n');
  writeFileSync(join(site, 'assets', 'index.js'), 'console.log(1)');
  writeFileSync(join(site, 'assets', 'index.js.map'), '{}');
  const temp = join(folder, 'tmp');
  mkdirSync(temp);
  chmodSync(temp, 0o777);
  writeFileSync(join(temp, 'injectEnv.js'), 'window.injectedEnvVariable = {};');
  let local = conf.replaceAll(' /tmp/', ` ${temp}/`);
  local = replaceOnce(local, `listen ${FRONTEND_IMAGE.port};`, `listen 127.0.0.1:${port};`);
  local = replaceOnce(local, `root ${FRONTEND_SITE_ROOT};`, `root ${site};`).replace('access_log  /dev/stdout  main;', 'access_log off;')
    // The test's stderr is a pipe, which /dev/stderr cannot reopen; nginx's own `stderr` writes fd 2.
    .replace('error_log   /dev/stderr  warn;', 'error_log stderr warn;');
  writeFileSync(join(folder, 'nginx.conf'), local);
  const globals = options.masterProcess ? 'daemon off;' : 'daemon off; master_process off;';
  const child = spawn(binary, ['-p', folder, '-c', join(folder, 'nginx.conf'), '-e', 'stderr', '-g', globals], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk) => (log += chunk));
  const exited = new Promise<string>((done) => child.on('exit', (code, signal) => done(signal ?? String(code))));
  for (let attempt = 0; ; attempt += 1) {
    try {
      await get(port, FRONTEND_IMAGE.probes.readiness);
      break;
    } catch (error) {
      if (attempt > 50 || child.exitCode !== null) throw new Error(`nginx did not start: ${log || (error as Error).message}`);
      await new Promise((wait) => setTimeout(wait, 100));
    }
  }
  return {
    port,
    process: child,
    folder,
    log: () => log,
    exited,
    async stop() {
      // SIGTERM: nginx's fast shutdown, the master ends its workers; SIGKILL only if it hangs.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
