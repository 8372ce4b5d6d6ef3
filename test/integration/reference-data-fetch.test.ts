/**
 * A fresh clone without ../shared: `npm run synth` fetches the reference data itself (its presynth
 * script, lib/core/reference-data.ts) from the URLs of .ci/reference-data.txt, here served by a local
 * HTTP server on the loopback address from the real ../shared, and writes the same dist/ as this
 * checkout. A server that serves a tampered file is refused: one error line, and nothing written.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReferenceList, referenceDataRoot } from '../../lib/core/reference-data';
import { STAMP_FILE } from '../../lib/synth/input-stamp';
import { copyRepository, REPO } from './support/repository-copy';

jest.setTimeout(240_000);

const SHARED = referenceDataRoot();
let server: Server;
let base: string;
let tamper = false;
let scratch: string;
let clone: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    try {
      const body = readFileSync(join(SHARED, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
      response.writeHead(200).end(tamper ? Buffer.concat([body, Buffer.from('\n')]) : body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // <scratch>/clone has no ../shared beside it.
  scratch = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
  clone = copyRepository(join(scratch, 'clone'));
  const list = readReferenceList(join(REPO, '.ci', 'reference-data.txt'))
    .map((file) => `${file.path} ${file.blob} ${base}/${file.path}`)
    .join('\n');
  writeFileSync(join(clone, '.ci', 'reference-data.txt'), `${list}\n`);
});
afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(scratch, { recursive: true, force: true });
});

function synth(cache: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache };
  for (const name of ['K8S_SCHEMA_DIRECTORY', 'CRD_DIRECTORY', 'REFERENCE_DATA_LIST', 'CO2_LOCK_TOKEN']) delete env[name];
  // Not spawnSync: the server that answers the downloads runs in this process.
  const child = spawn('npm', ['run', '-s', 'synth'], { cwd: clone, env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ status: number | null; stderr: string }>((done) => child.on('close', (status) => done({ status, stderr })));
}

/** Every file of a dist/, but the stamp of the last synth there (a cache of that checkout, lib/synth/input-stamp.ts). */
const tree = (root: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !(entry.name === STAMP_FILE && entry.parentPath === root))
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [path.slice(root.length + 1), readFileSync(path, 'utf8')];
      }),
  );

test('a tampered download is refused with one line, and nothing is written', async () => {
  tamper = true;
  const cache = join(scratch, 'cache-tampered');
  mkdirSync(cache);
  const before = tree(join(clone, 'dist'));
  const result = await synth(cache);
  tamper = false;
  expect(result.status).toBe(1);
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
  expect(errors).toEqual([expect.stringMatching(/^error: http:\/\/127\.0\.0\.1:\d+\/\S+ has git blob [0-9a-f]{40}, not the [0-9a-f]{40} that \.ci\/reference-data\.txt lists: refusing it as \S+$/)]);
  expect(tree(join(clone, 'dist'))).toEqual(before);
});

test('npm run synth fetches the reference data once and writes the committed dist/', async () => {
  const cache = join(scratch, 'cache');
  const first = await synth(cache);
  expect(first.stderr).toMatch(/^fetching \d+ reference data file\(s\) listed in \.ci\/reference-data\.txt from 127\.0\.0\.1:\d+ into /m);
  expect(first.status).toBe(0);
  expect(tree(join(clone, 'dist'))).toEqual(tree(join(REPO, 'dist')));

  const second = await synth(cache);
  expect(second.status).toBe(0);
  expect(second.stderr).not.toMatch(/fetching/);
});
