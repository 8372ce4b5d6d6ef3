/**
 * The reference data download (lib/core/reference-data.ts) against a real HTTP server on the loopback
 * address: the files of a list are fetched and kept, a second run fetches nothing, a tampered file is
 * refused and not kept, and an unreachable server gives one clear error.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchReferenceData, gitBlobId, readReferenceList, ReferenceDataError } from '../../lib/core/reference-data';

const FILES: Record<string, string> = {
  '/schemas/k8s-v1.34.0-definitions.json': '{"definitions":{}}\n',
  '/crds-2026/argoproj.io_applications.yaml': 'kind: CustomResourceDefinition\n',
};

let server: Server;
let base: string;
let tampered = false;
let scratch: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const body = FILES[request.url ?? ''];
    if (body === undefined) return void response.writeHead(404).end();
    response.writeHead(200).end(tampered ? body.replace('kind', 'kinds') : body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'reference-data-'));
  tampered = false;
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function list(): string {
  const file = join(scratch, 'reference-data.txt');
  const lines = Object.entries(FILES).map(([path, body]) => `${path.slice(1)} ${gitBlobId(Buffer.from(body))} ${base}${path}`);
  writeFileSync(file, `# pinned reference data\n${lines.join('\n')}\n`);
  return file;
}

test('the blob id is git hash-object of the bytes', () => {
  // `printf 'hello\n' | git hash-object --stdin`
  expect(gitBlobId(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
});

test('fetches every listed file once, saying what and from where', async () => {
  const root = join(scratch, 'cache');
  const said: string[] = [];
  const fetched = await fetchReferenceData(readReferenceList(list()), root, (line) => said.push(line));
  expect(fetched).toEqual(['schemas/k8s-v1.34.0-definitions.json', 'crds-2026/argoproj.io_applications.yaml']);
  expect(said).toEqual([`fetching 2 reference data file(s) listed in .ci/reference-data.txt from ${new URL(base).host} into ${root}`]);
  expect(readFileSync(join(root, 'crds-2026/argoproj.io_applications.yaml'), 'utf8')).toBe(FILES['/crds-2026/argoproj.io_applications.yaml']);

  said.length = 0;
  expect(await fetchReferenceData(readReferenceList(list()), root, (line) => said.push(line))).toEqual([]);
  expect(said).toEqual([]);
});

test('a file whose blob id differs from the list is refused and not kept', async () => {
  tampered = true;
  const root = join(scratch, 'cache');
  const run = fetchReferenceData(readReferenceList(list()), root, () => undefined);
  await expect(run).rejects.toThrow(ReferenceDataError);
  await expect(fetchReferenceData(readReferenceList(list()), root, () => undefined)).rejects.toThrow(
    /argoproj\.io_applications\.yaml has git blob [0-9a-f]{40}, not the [0-9a-f]{40} that \.ci\/reference-data\.txt lists: refusing it/,
  );
  expect(existsSync(join(root, 'crds-2026/argoproj.io_applications.yaml'))).toBe(false);
  expect(existsSync(join(root, 'crds-2026/argoproj.io_applications.yaml.part'))).toBe(false);
});

test('no network: one error that says how to do without it', async () => {
  // A port that was just free: nothing listens on it.
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((done) => closed.close(() => done()));
  const file = join(scratch, 'offline.txt');
  writeFileSync(file, `schemas/x.json ${'0'.repeat(40)} http://127.0.0.1:${port}/x.json\n`);
  await expect(fetchReferenceData(readReferenceList(file), join(scratch, 'cache'), () => undefined)).rejects.toThrow(
    `cannot download http://127.0.0.1:${port}/x.json (ECONNREFUSED): without network, put the reference data in ../shared`,
  );
});

test('a malformed list names its file and entry', () => {
  const file = join(scratch, 'bad.txt');
  writeFileSync(file, 'schemas/x.json not-a-blob http://example.invalid/x\n');
  expect(() => readReferenceList(file)).toThrow(`${file}: entry 1 is not "<path> <git blob id> <url>"`);
});
