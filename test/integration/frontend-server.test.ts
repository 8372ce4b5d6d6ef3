/**
 * The frontend's nginx.conf on a real nginx: the file dist/prod mounts (the image's frontend/nginx.conf
 * around our server block) against the image's own file, unchanged. It checks what a browser sees
 * behind the edge: relative redirects only, no redirect loop, no redirect off the host, SPA routes
 * answered with index.html, and the image's caching and health paths kept.
 */
import { readFileSync } from 'node:fs';
import { IMAGE_NGINX_CONF_PATH } from '../../lib/workloads/frontend-server';
import { deployedFrontendConf, get, Reply, RunningNginx, startFrontendNginx } from './support/frontend-nginx';

const ORIGIN = 'https://co2-calculator.epfl.ch';

/** Follows redirects the way a browser would, from ORIGIN; returns the hops. */
async function follow(port: number, path: string, limit = 6): Promise<{ hops: string[]; last: Reply }> {
  const hops = [path];
  for (;;) {
    const reply = await get(port, hops[hops.length - 1]);
    if (reply.status !== 301 && reply.status !== 302) return { hops, last: reply };
    const next = new URL(reply.location!, ORIGIN + hops[hops.length - 1]);
    if (next.origin !== ORIGIN) return { hops: [...hops, next.href], last: reply };
    hops.push(next.pathname + next.search);
    if (hops.length > limit) return { hops, last: reply };
  }
}

// Paths whose trailing slash a naive rule would turn into a Location of another host.
const HOSTILE = ['//evil.example/', '/\\evil.example/', '/%5Cevil.example/', '/%2F%2Fevil.example/', '///evil.example//', '/%09/evil.example/'];

describe('the frontend nginx.conf we deploy', () => {
  let nginx: RunningNginx;
  beforeAll(async () => {
    nginx = await startFrontendNginx(deployedFrontendConf());
  });
  afterAll(() => nginx?.stop());

  test('is the image\'s nginx.conf around our server block: everything outside the server is the image\'s', () => {
    const image = readFileSync(IMAGE_NGINX_CONF_PATH, 'utf8');
    const outside = (conf: string) => conf.slice(conf.indexOf('worker_processes'), conf.indexOf('\n  server {')).trim();
    expect(outside(deployedFrontendConf())).toBe(outside(image));
    expect(deployedFrontendConf()).toContain('absolute_redirect off;');
  });

  test('answers the probe paths', async () => {
    expect(await get(nginx.port, '/healthz')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get(nginx.port, '/ready')).toMatchObject({ status: 200, body: 'ok' });
  });

  test('serves SPA routes with index.html, uncached', async () => {
    for (const route of ['/', '/backoffice/users', '/en/reporting/2025', '/icons', '/templates']) {
      const reply = await get(nginx.port, route);
      expect({ route, status: reply.status, body: reply.body }).toEqual({ route, status: 200, body: expect.stringContaining('spa') });
      expect(reply.cacheControl).toBe('no-cache, must-revalidate');
    }
  });

  test('serves files, assets cached for a year, source maps hidden, runtime settings from /tmp', async () => {
    expect(await get(nginx.port, '/icons/favicon-16x16.png')).toMatchObject({ status: 200, type: 'image/png', body: 'png' });
    expect(await get(nginx.port, '/templates/building_rooms_template.csv')).toMatchObject({ status: 200, body: 'room,area\n' });
    expect(await get(nginx.port, '/assets/index.js')).toMatchObject({ status: 200, cacheControl: 'public, max-age=31536000, immutable' });
    expect((await get(nginx.port, '/assets/index.js.map')).status).toBe(404);
    expect((await get(nginx.port, '/assets/missing.js')).status).toBe(404);
    expect(await get(nginx.port, '/injectEnv.js')).toMatchObject({ status: 200, type: 'application/javascript', cacheControl: 'no-cache, must-revalidate' });
  });

  test('strips a trailing slash with a relative Location, keeping the query', async () => {
    expect(await get(nginx.port, '/backoffice/users/')).toMatchObject({ status: 301, location: '/backoffice/users' });
    expect(await get(nginx.port, '/backoffice/users/?tab=2')).toMatchObject({ status: 301, location: '/backoffice/users?tab=2' });
  });

  test('never loops: a directory with and without its slash ends on a page', async () => {
    for (const path of ['/icons', '/icons/', '/fonts/', '/templates', '/assets/']) {
      const { hops, last } = await follow(nginx.port, path);
      expect({ path, hops: hops.length <= 2, status: last.status }).toEqual({ path, hops: true, status: 200 });
    }
  });

  test('never redirects off the host', async () => {
    for (const path of HOSTILE) {
      const reply = await get(nginx.port, path);
      if (reply.location !== undefined) {
        expect({ path, location: reply.location }).toEqual({ path, location: expect.stringMatching(/^\/(?![/\\])/) });
        expect(new URL(reply.location, ORIGIN + '/').origin).toBe(ORIGIN);
      }
      // Only where a redirect sends the browser counts: the path itself is what the attacker typed.
      const { last, hops } = await follow(nginx.port, path);
      const landed = hops.length > 1 ? new URL(hops[hops.length - 1], ORIGIN).origin : ORIGIN;
      expect({ path, landed, status: last.status }).toEqual({ path, landed: ORIGIN, status: 200 });
    }
  });

  test('logs no error', () => {
    expect(nginx.log()).not.toMatch(/\[(emerg|alert|crit|error)\]/);
  });
});

describe('the image\'s own nginx.conf, for comparison (the defects our server block removes)', () => {
  let image: RunningNginx;
  let naive: RunningNginx;
  beforeAll(async () => {
    const conf = readFileSync(IMAGE_NGINX_CONF_PATH, 'utf8');
    image = await startFrontendNginx(conf);
    // The one-line fix, relative redirects alone, on the image's server block.
    naive = await startFrontendNginx(conf.replace('index index.html;', 'index index.html;\n    absolute_redirect off;'));
  });
  afterAll(async () => {
    await image?.stop();
    await naive?.stop();
  });

  test('loops between /icons and /icons/, with absolute http://<host>:<container port> redirects', async () => {
    const base = `http://co2-calculator.epfl.ch:${image.port}`;
    expect(await get(image.port, '/icons')).toMatchObject({ status: 301, location: `${base}/icons/` });
    expect(await get(image.port, '/icons/')).toMatchObject({ status: 301, location: `${base}/icons` });
  });

  test('with only absolute_redirect off, still loops and sends /\\evil.example/ to a Location browsers read as another host', async () => {
    expect(await get(naive.port, '/icons')).toMatchObject({ status: 301, location: '/icons/' });
    expect(await get(naive.port, '/icons/')).toMatchObject({ status: 301, location: '/icons' });
    const reply = await get(naive.port, '/\\evil.example/');
    expect(reply).toMatchObject({ status: 301, location: '/\\evil.example' });
    expect(new URL(reply.location!, ORIGIN).origin).toBe('https://evil.example');
  });
});
