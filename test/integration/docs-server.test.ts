/**
 * The docs server config, for real: the default.conf that dist/prod mounts into the docs pod, run by
 * nginx the way nginx-unprivileged's nginx.conf includes it (pid and temp paths in one writable folder),
 * over a site laid out like MkDocs' output. It checks what the browser sees behind a Route that
 * forwards /docs unchanged: the redirect to /docs/, the site under it, relative redirects and the probe.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { DOCS_IMAGE } from '../../lib/application/contract';
import { freePort, requireTool } from './support/tools';

const DEPLOYED = resolve(__dirname, '..', '..', 'dist', 'prod', 'configmap-docs-server-config.yaml');

interface Reply {
  readonly status: number;
  readonly location?: string;
  readonly type?: string;
  readonly body: string;
}

function get(port: number, path: string): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: 'co2-calculator.epfl.ch' } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode!, location: res.headers.location, type: res.headers['content-type'], body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('the docs server config', () => {
  let nginx: ChildProcess;
  let folder: string;
  let port: number;
  let log = '';

  beforeAll(async () => {
    const binary = requireTool('nginx', 'nginx-light', ['/usr/sbin/nginx']);
    folder = mkdtempSync(join(tmpdir(), 'docs-server-'));
    port = await freePort();
    // The site as `mkdocs build` lays it out: directory URLs, assets linked relative to each page.
    const site = join(folder, 'html');
    mkdirSync(join(site, 'assets', 'stylesheets'), { recursive: true });
    mkdirSync(join(site, 'backend'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<link href="assets/stylesheets/main.css" rel="stylesheet">home');
    writeFileSync(join(site, 'assets', 'stylesheets', 'main.css'), 'body { color: black }');
    writeFileSync(join(site, 'backend', 'index.html'), '<link href="../assets/stylesheets/main.css" rel="stylesheet">backend');

    // The deployed file, with only its port and site root moved into the test's folder.
    const deployed: string = parse(readFileSync(DEPLOYED, 'utf8')).data[DOCS_IMAGE.serverConfigFile];
    const listen = `listen ${DOCS_IMAGE.port};`;
    const alias = `alias ${DOCS_IMAGE.siteRoot}/;`;
    expect(deployed.split(listen)).toHaveLength(2);
    expect(deployed.split(alias)).toHaveLength(2);
    mkdirSync(join(folder, 'conf.d'));
    writeFileSync(join(folder, 'conf.d', DOCS_IMAGE.serverConfigFile), deployed.replace(listen, `listen 127.0.0.1:${port};`).replace(alias, `alias ${site}/;`));
    // The image's nginx.conf in substance: nginx/pkg-oss 1.26.3-1 debian/debian/nginx.conf (mime types, the
    // conf.d include at :31) as nginx-unprivileged edits it (8ead5ce, stable/debian/Dockerfile:139-142: pid and
    // temp paths in /tmp). Debian's nginx here is 1.22; the image runs 1.26, with the same directives.
    const temp = join(folder, 'tmp');
    mkdirSync(temp);
    writeFileSync(
      join(folder, 'nginx.conf'),
      `pid ${temp}/nginx.pid;
error_log stderr notice;
events { worker_connections 64; }
http {
    client_body_temp_path ${temp}/client_temp;
    proxy_temp_path ${temp}/proxy_temp;
    fastcgi_temp_path ${temp}/fastcgi_temp;
    uwsgi_temp_path ${temp}/uwsgi_temp;
    scgi_temp_path ${temp}/scgi_temp;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    include ${folder}/conf.d/*.conf;
}
`,
    );
    // One process (no workers switching to another user when run as root), in the foreground.
    nginx = spawn(binary, ['-p', folder, '-c', join(folder, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off; master_process off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stderr!.on('data', (chunk) => (log += chunk));
    for (let attempt = 0; ; attempt += 1) {
      try {
        await get(port, '/healthz');
        break;
      } catch (error) {
        if (attempt > 50 || nginx.exitCode !== null) throw new Error(`nginx did not start: ${log || (error as Error).message}`);
        await new Promise((wait) => setTimeout(wait, 100));
      }
    }
  });

  afterAll(() => {
    nginx?.kill();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('answers the probe path itself', async () => {
    expect(await get(port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
  });

  test('redirects /docs to /docs/ with a relative Location, keeping the query', async () => {
    expect(await get(port, '/docs')).toMatchObject({ status: 301, location: '/docs/' });
    expect(await get(port, '/docs?q=scope')).toMatchObject({ status: 301, location: '/docs/?q=scope' });
  });

  test('serves the site under /docs/, where its relative asset links resolve', async () => {
    const home = await get(port, '/docs/');
    expect(home).toMatchObject({ status: 200, body: expect.stringContaining('home') });
    const stylesheet = new URL('assets/stylesheets/main.css', 'https://co2-calculator.epfl.ch/docs/').pathname;
    expect(await get(port, stylesheet)).toMatchObject({ status: 200, type: 'text/css', body: 'body { color: black }' });
    // Without the slash the same link would miss the site: the reason for the redirect.
    expect(new URL('assets/stylesheets/main.css', 'https://co2-calculator.epfl.ch/docs').pathname).toBe('/assets/stylesheets/main.css');
  });

  test('sends a directory without its slash to the slashed URL, relative, so https and the public port survive the edge', async () => {
    expect(await get(port, '/docs/backend')).toMatchObject({ status: 301, location: '/docs/backend/' });
    expect(await get(port, '/docs/backend/')).toMatchObject({ status: 200, body: expect.stringContaining('backend') });
  });

  test('serves nothing outside /docs/', async () => {
    expect((await get(port, '/')).status).toBe(404);
    expect((await get(port, '/index.html')).status).toBe(404);
  });

  test('logs no error while starting and serving', () => {
    expect(log).not.toMatch(/\[(emerg|alert|crit|error)\]/);
  });
});
