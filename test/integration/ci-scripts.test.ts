/**
 * The scripts of CI and of the deployment workflow, run for real:
 * - shellcheck on them and on every `run:` script of .github/workflows (as GitHub runs them: bash);
 * - .ci/fetch-reference-data against local copies of its upstream files (file:// URLs);
 * - .github/scripts/apply-dispatch.sh against a local "origin": a push that main moves past is
 *   applied again on the new main; a pull request is pushed to its own branch and opened with gh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { imagesFile } from '../../environments';
import { sharedReferenceData } from '../../lib/synth/schema-sources';
import { copyEnvironment, copyRepository, REPO } from './support/repository-copy';
import { requireTool } from './support/tools';

const EVENTS = join(REPO, 'test', 'delivery', 'dispatch-events');
jest.setTimeout(180_000);

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ci-scripts-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('shellcheck', () => {
  const scripts = ['.ci/run', '.ci/fetch-reference-data', '.github/scripts/apply-dispatch.sh', 'scripts/git-hooks/pre-commit'];
  test.each(scripts)('finds nothing in %s', (script) => {
    const shellcheck = requireTool('shellcheck', 'shellcheck');
    const result = spawnSync(shellcheck, ['--shell=bash', '--severity=style', '--format=gcc', join(REPO, script)], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  const workflows = readdirSync(join(REPO, '.github', 'workflows')).filter((file) => file.endsWith('.yml'));
  test.each(workflows)('finds nothing in the run: scripts of %s', (file) => {
    const shellcheck = requireTool('shellcheck', 'shellcheck');
    const { jobs } = parse(readFileSync(join(REPO, '.github', 'workflows', file), 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
    const runs = Object.values(jobs).flatMap((job) => job.steps.map((step) => step.run).filter((run): run is string => run !== undefined));
    expect(runs.length).toBeGreaterThan(0);
    for (const [index, run] of runs.entries()) {
      // GitHub runs a run: script as `bash -e {0}` (its default shell on Linux).
      const script = join(scratch, `${file}-${index}.sh`);
      writeFileSync(script, `#!/usr/bin/env bash\nset -e\n${run}`);
      const result = spawnSync(shellcheck, ['--shell=bash', '--severity=style', '--format=gcc', script], { encoding: 'utf8' });
      expect(result.stdout).toBe('');
    }
  });
});

describe('.ci/fetch-reference-data', () => {
  const { crdDirectory } = sharedReferenceData();
  const shared = join(crdDirectory, '..');
  const listed = readFileSync(join(REPO, '.ci', 'reference-data.txt'), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(' '));
  /** The list with each upstream URL replaced by the file of ../shared, as if it were the download. */
  const localList = (entries: string[][]) => {
    const file = join(scratch, `list-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, entries.map(([path, blob]) => `${path} ${blob} file://${join(shared, path)}`).join('\n') + '\n');
    return file;
  };
  const fetch = (list: string, destination: string) =>
    spawnSync(join(REPO, '.ci', 'fetch-reference-data'), [destination], { encoding: 'utf8', env: { ...process.env, REFERENCE_DATA_LIST: list } });

  test('puts every listed file in place, byte for byte, and keeps the ones already there', () => {
    requireTool('curl', 'curl');
    const destination = join(scratch, 'shared-copy');
    const first = fetch(localList(listed), destination);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    // Buffer.equals: jest's deep equality takes seconds on a megabyte.
    expect(listed.filter(([path]) => !readFileSync(join(destination, path)).equals(readFileSync(join(shared, path))))).toEqual([]);
    const second = fetch(localList(listed), destination);
    expect(second).toMatchObject({ status: 0, stdout: '' });
  });

  test('refuses a download whose blob is not the listed one, and keeps nothing of it', () => {
    const destination = join(scratch, 'shared-wrong');
    const [path, blob] = listed[1];
    const wrong = localList([[path, blob.replace(/^./, (c) => (c === '0' ? '1' : '0'))]]);
    const result = fetch(wrong, destination);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: file://.* has git blob ${blob}, not [0-9a-f]{40}: refusing it as ${path.replace('.', '\\.')}\n$`));
    expect(existsSync(join(destination, path))).toBe(false);
    expect(existsSync(join(destination, `${path}.part`))).toBe(false);
  });
});

describe('.github/scripts/apply-dispatch.sh', () => {
  const identity = { GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.org', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.org' };
  let work: string;
  let origin: string;
  let racer: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity } }).trim();

  beforeAll(() => {
    // The runner's checkout (with node_modules, as after npm ci), its origin, and someone else's clone.
    work = copyRepository(join(scratch, 'work'));
    git(work, 'init', '--quiet', '--initial-branch=main');
    git(work, 'add', '--all');
    git(work, 'commit', '--quiet', '--message', 'main as it was');
    origin = join(scratch, 'origin.git');
    git(scratch, 'clone', '--quiet', '--bare', work, origin);
    git(work, 'remote', 'add', 'origin', origin);
    git(work, 'fetch', '--quiet', 'origin');
    racer = join(scratch, 'racer');
    git(scratch, 'clone', '--quiet', origin, racer);
  });

  function apply(mode: string, event: string, extraEnv: NodeJS.ProcessEnv = {}) {
    return spawnSync(join(work, '.github', 'scripts', 'apply-dispatch.sh'), [mode], {
      cwd: work,
      encoding: 'utf8',
      env: copyEnvironment({ ...identity, GITHUB_EVENT_PATH: resolve(EVENTS, event), RETRY_DELAY: '0', ...extraEnv }),
    });
  }

  test('a dispatch that deploys nothing commits and pushes nothing', () => {
    const before = git(origin, 'rev-parse', 'main');
    const result = apply('push', 'v3.0.7-test.json');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('nothing to commit: the dispatch changes nothing');
    expect(git(origin, 'rev-parse', 'main')).toBe(before);
  });

  test('push: when main moves meanwhile, the dispatch is applied again on the new main and pushed', () => {
    // Someone pushes to main while the run is pushing: the first push is refused.
    const hook = join(work, '.git', 'hooks', 'pre-push');
    const marker = join(scratch, 'raced');
    writeFileSync(
      hook,
      [
        '#!/bin/sh',
        `[ -e '${marker}' ] && exit 0`,
        `touch '${marker}'`,
        'unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE',
        `cd '${racer}' && echo 'a runbook change' >> docs/runbooks.md && git commit --quiet -am 'docs: a change merged meanwhile' && git push --quiet origin main`,
      ].join('\n') + '\n',
    );
    chmodSync(hook, 0o755);
    const base = git(origin, 'rev-parse', 'main');
    const result = apply('push', 'v3.0.7-stage.json');
    expect(result.stderr).toContain('[remote rejected] HEAD -> main');
    expect(result.stderr).not.toContain('could not push');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('main moved while this ran (attempt 1 of 5): applying the dispatch again on the new main');

    const [subject, parentSubject, grandparent] = git(origin, 'log', '--format=%s', '-3', 'main').split('\n');
    expect(subject).toBe('chore(manifest): update epfl/co2-calculator (staging) to 0b9d6c1');
    expect(parentSubject).toBe('docs: a change merged meanwhile');
    expect(git(origin, 'rev-parse', 'main~2')).toBe(base);
    expect(grandparent).toBe('main as it was');
    // The commit holds the images file and dist/, nothing else, and its message is the command's.
    const files = git(origin, 'show', '--format=', '--name-only', 'main').split('\n');
    expect(files).toContain(imagesFile('staging'));
    expect(files.filter((file) => file !== imagesFile('staging') && !file.startsWith('dist/'))).toEqual([]);
    expect(git(origin, 'log', '-1', '--format=%B', 'main')).toContain('Source: EPFL-ENAC/co2-calculator\nCommit: 0b9d6c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c\n');
    expect(git(origin, 'show', `main:${imagesFile('staging')}`)).toContain('quay-its.epfl.ch/svc1751/backend:0b9d6c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c@sha256:');
    rmSync(hook);
  });

  test('pull-request: the change goes to its own branch and gh opens the pull request into main', () => {
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    const calls = join(scratch, 'gh-calls');
    // gh as GitHub's CLI is called: record the arguments and the body file's content.
    writeFileSync(join(bin, 'gh'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${calls}'\nwhile [ $# -gt 0 ]; do [ "$1" = --body-file ] && cat "$2" > '${calls}.body'; shift; done\n`);
    chmodSync(join(bin, 'gh'), 0o755);
    const main = git(origin, 'rev-parse', 'main');
    // The release of the commit staging ran (the push test above), with the digests staging ran.
    const stage = JSON.parse(readFileSync(join(EVENTS, 'v3.0.7-stage.json'), 'utf8'));
    const release = JSON.parse(readFileSync(join(EVENTS, 'v3.0.7-prod.json'), 'utf8'));
    release.client_payload.source_sha = stage.client_payload.source_sha;
    release.client_payload.images.forEach((image: any, index: number) => (image.digest = stage.client_payload.images[index].digest));
    writeFileSync(join(scratch, 'release.json'), JSON.stringify(release));
    const result = apply('pull-request', join(scratch, 'release.json'), { PATH: `${bin}:${process.env.PATH}`, GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1' });
    expect(result.stderr).not.toMatch(/^error:/m);
    expect(result.status).toBe(0);

    expect(git(origin, 'rev-parse', 'main')).toBe(main);
    const message = git(origin, 'log', '-1', '--format=%B', 'update-manifest/4242-1');
    const [subject] = message.split('\n');
    expect(subject).toBe('chore(manifest): update epfl/co2-calculator (prod) to v1.0.8');
    expect(readFileSync(calls, 'utf8').split('\n').slice(0, 8)).toEqual(['pr', 'create', '--base', 'main', '--head', 'update-manifest/4242-1', '--title', subject]);
    expect(readFileSync(`${calls}.body`, 'utf8').trim()).toBe(message.split('\n').slice(2).join('\n').trim());
    expect(git(origin, 'show', `update-manifest/4242-1:${imagesFile('prod')}`)).toContain(':v1.0.8@sha256:');
  });
});
