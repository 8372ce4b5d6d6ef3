/**
 * The scripts of CI and of the deployment workflow, run for real:
 * - shellcheck on them and on every `run:` script of .github/workflows (as GitHub runs them: bash);
 * - .ci/fetch-reference-data against local copies of its upstream files (file:// URLs);
 * - .github/scripts/apply-dispatch.sh against a local "origin": apply without a token, publish with
 *   it; a push that main moved past becomes a pull request; prod is always one, opened with gh.
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

  const state = () => join(scratch, 'state');
  const outputFile = () => join(scratch, 'github-output');
  const bin = () => join(scratch, 'bin');
  const calls = () => join(scratch, 'gh-calls');
  /** The step as the workflow runs it: the runner's environment, no token unless given. */
  function step(mode: 'apply' | 'publish', event: string, extraEnv: NodeJS.ProcessEnv = {}) {
    return spawnSync(join(work, '.github', 'scripts', 'apply-dispatch.sh'), [mode], {
      cwd: work,
      encoding: 'utf8',
      env: copyEnvironment({
        ...identity,
        GITHUB_EVENT_PATH: resolve(EVENTS, event),
        STATE_DIR: state(),
        GITHUB_OUTPUT: outputFile(),
        GITHUB_RUN_ID: '4242',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_REPOSITORY: 'epfl-enac/co2-calculator-deploy',
        PATH: `${bin()}:${process.env.PATH}`,
        ...extraEnv,
      }),
    });
  }
  /** actions/checkout of main, then the apply step; returns its run and the outputs it set. */
  function apply(event: string) {
    git(work, 'fetch', '--quiet', 'origin', 'main');
    git(work, 'checkout', '--quiet', '--force', '--detach', 'FETCH_HEAD');
    rmSync(outputFile(), { force: true });
    rmSync(calls(), { force: true });
    const run = step('apply', event);
    const outputs = existsSync(outputFile()) ? Object.fromEntries(readFileSync(outputFile(), 'utf8').trim().split('\n').map((line) => line.split('=', 2))) : {};
    return { run, outputs };
  }
  const publish = () => step('publish', 'unused', { GH_TOKEN: 'test-token' });
  /** The calls of the fake gh, each as its argument list; and the body file of gh pr create. */
  const ghCalls = () => (existsSync(calls()) ? readFileSync(calls(), 'utf8').split('---\n').filter(Boolean).map((call) => call.trimEnd().split('\n')) : []);
  /** A release of the commit staging ran, with those digests (or `digests`). */
  const releaseOfStaging = (name: string, edit: (event: any) => void = () => {}) => {
    const stage = JSON.parse(readFileSync(join(EVENTS, 'v3.0.7-stage.json'), 'utf8'));
    const release = JSON.parse(readFileSync(join(EVENTS, 'v3.0.7-prod.json'), 'utf8'));
    release.client_payload.source_sha = stage.client_payload.source_sha;
    release.client_payload.images.forEach((image: any, index: number) => (image.digest = stage.client_payload.images[index].digest));
    edit(release);
    const file = join(scratch, name);
    writeFileSync(file, JSON.stringify(release));
    return file;
  };

  beforeAll(() => {
    mkdirSync(state(), { recursive: true });
    mkdirSync(bin(), { recursive: true });
    // gh as GitHub's CLI is called: record each call's arguments and the body file's content.
    writeFileSync(join(bin(), 'gh'), `#!/bin/sh\n{ printf '%s\\n' "$@"; echo ---; } >> '${calls()}'\nwhile [ $# -gt 0 ]; do [ "$1" = --body-file ] && cat "$2" > '${calls()}.body'; shift; done\n`);
    chmodSync(join(bin(), 'gh'), 0o755);
  });

  test('a dispatch that deploys nothing commits nothing, and says there is nothing to publish', () => {
    const before = git(work, 'rev-parse', 'HEAD');
    const { run, outputs } = apply('v3.0.7-test.json');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('nothing to commit: the dispatch changes nothing');
    expect(outputs).toEqual({ changed: 'false' });
    expect(git(work, 'rev-parse', 'HEAD')).toBe(before);
  });

  test('the apply step needs no token, and the checkout keeps none: staging is committed, then pushed by publish', () => {
    const base = git(origin, 'rev-parse', 'main');
    const { run, outputs } = apply('v3.0.7-stage.json');
    expect(run.stderr).not.toMatch(/^error:/m);
    expect(outputs).toEqual({ changed: 'true', publish: 'push' });
    expect(git(origin, 'rev-parse', 'main')).toBe(base);
    const checked = git(work, 'rev-parse', 'HEAD');

    const result = publish();
    expect(result.stderr).not.toMatch(/^error:/m);
    expect(result.status).toBe(0);
    // Exactly the commit the checks ran on, on top of main as it was.
    expect(git(origin, 'rev-parse', 'main')).toBe(checked);
    expect(git(origin, 'rev-parse', 'main~1')).toBe(base);
    expect(ghCalls()).toEqual([]);
    const files = git(origin, 'show', '--format=', '--name-only', 'main').split('\n');
    expect(files).toContain(imagesFile('staging'));
    expect(files.filter((file) => file !== imagesFile('staging') && !file.startsWith('dist/'))).toEqual([]);
    const message = git(origin, 'log', '-1', '--format=%B', 'main');
    expect(message.split('\n')[0]).toBe('chore(manifest): update epfl/co2-calculator (staging) to 0b9d6c1');
    expect(message).toContain('Source: EPFL-ENAC/co2-calculator\nCommit: 0b9d6c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c\n');
    // The real sender, as a trailer git itself reads.
    expect(git(origin, 'log', '-1', '--format=%(trailers:key=Dispatched-by,valueonly)', 'main')).toBe('epfl-enac-bot');
  });

  test('publish without the token refuses to start', () => {
    const result = step('publish', 'unused', { GH_TOKEN: '' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('GH_TOKEN must hold the token that may push');
  });

  test('when main moves after the checks, the checked commit is not pushed: it becomes a pull request that says why', () => {
    const { outputs } = apply('v3.0.7-dev.json');
    expect(outputs).toEqual({ changed: 'true', publish: 'push' });
    git(racer, 'pull', '--quiet', 'origin', 'main');
    writeFileSync(join(racer, 'docs', 'runbooks.md'), `${readFileSync(join(racer, 'docs', 'runbooks.md'), 'utf8')}a runbook change\n`);
    git(racer, 'commit', '--quiet', '-am', 'docs: a change merged meanwhile');
    git(racer, 'push', '--quiet', 'origin', 'main');
    const moved = git(origin, 'rev-parse', 'main');
    const checked = git(work, 'rev-parse', 'HEAD');

    const result = publish();
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('[rejected]');
    expect(git(origin, 'rev-parse', 'main')).toBe(moved);
    expect(git(origin, 'rev-parse', 'update-manifest/4242-1')).toBe(checked);
    const [status, pr] = ghCalls();
    expect(status.slice(0, 3)).toEqual(['api', '--silent', `repos/epfl-enac/co2-calculator-deploy/statuses/${checked}`]);
    expect(status).toEqual(expect.arrayContaining(['state=success', 'context=ci']));
    expect(pr.slice(0, 8)).toEqual(['pr', 'create', '--base', 'main', '--head', 'update-manifest/4242-1', '--title', 'chore(manifest): update epfl/co2-calculator (dev) to 5a1f0c3']);
    expect(readFileSync(`${calls()}.body`, 'utf8').split('\n')[0]).toMatch(/^main moved while this ran, so this commit \(checked on its parent [0-9a-f]{7}\) was not pushed/);
    git(origin, 'branch', '-D', 'update-manifest/4242-1');
  });

  test('prod is always a pull request, even when the payload asks for a push', () => {
    const main = git(origin, 'rev-parse', 'main');
    const { outputs } = apply(releaseOfStaging('release.json', (e) => (e.client_payload.create_pull_request = false)));
    expect(outputs).toEqual({ changed: 'true', publish: 'pull-request' });
    expect(publish().status).toBe(0);
    expect(git(origin, 'rev-parse', 'main')).toBe(main);
    const message = git(origin, 'log', '-1', '--format=%B', 'update-manifest/4242-1');
    const [subject] = message.split('\n');
    expect(subject).toBe('chore(manifest): update epfl/co2-calculator (prod) to v1.0.8');
    const [, pr] = ghCalls();
    expect(pr.slice(0, 8)).toEqual(['pr', 'create', '--base', 'main', '--head', 'update-manifest/4242-1', '--title', subject]);
    expect(readFileSync(`${calls()}.body`, 'utf8').trim()).toBe(message.split('\n').slice(2).join('\n').trim());
    expect(git(origin, 'show', `update-manifest/4242-1:${imagesFile('prod')}`)).toContain(':v1.0.8@sha256:');
    git(origin, 'branch', '-D', 'update-manifest/4242-1');
  });

  test('a release with other digests than staging ran: the pull request\'s first line says so', () => {
    const { outputs } = apply(releaseOfStaging('rebuilt.json', (e) => (e.client_payload.images[0].digest = `sha256:${'3'.repeat(64)}`)));
    expect(outputs).toEqual({ changed: 'true', publish: 'pull-request' });
    expect(publish().status).toBe(0);
    const [, pr] = ghCalls();
    expect(pr[7]).toBe('digests differ from what staging ran for 0b9d6c1e2f3a (prod v1.0.8)');
    git(origin, 'branch', '-D', 'update-manifest/4242-1');
  });

  test('a refused dispatch commits nothing and sets no output: nothing is published', () => {
    const { run, outputs } = apply(releaseOfStaging('unknown.json', (e) => (e.sender.login = 'mallory')));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error: sender.login: "mallory" may not deploy to prod');
    expect(outputs).toEqual({});
    expect(git(work, 'status', '--porcelain')).toBe('');
    // HEAD is still the checkout of main: no commit was made.
    expect(git(work, 'rev-parse', 'HEAD')).toBe(git(origin, 'rev-parse', 'main'));
  });
});
