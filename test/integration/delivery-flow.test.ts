/**
 * The delivery model end to end (docs/delivery.md), in scratch git repositories with a bare
 * "origin": the workflow's runner applies dispatches with .github/scripts/apply-dispatch.sh (a fake gh
 * records the pull requests it opens), and a maintainer's clone runs npm run promote, rollback and
 * where, commits the printed message on a branch and merges it as a pull request would be merged.
 *
 * stage dispatch -> promote to prod -> a release rebuilt with other digests (a pull request that
 * says so, left unmerged) -> rollback -> promote again (now tagged with the release) -> refusals.
 * Every push must be accepted: no fast-forward is refused anywhere in the flow.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagesFile } from '../../environments';
import { copyEnvironment, copyRepository, REPO } from './support/repository-copy';

const EVENTS = join(REPO, 'test', 'delivery', 'dispatch-events');
const PROD = imagesFile('prod');
const STAGING = imagesFile('staging');
jest.setTimeout(300_000);

const identity = { GIT_AUTHOR_NAME: 'maintainer', GIT_AUTHOR_EMAIL: 'maintainer@example.org', GIT_COMMITTER_NAME: 'maintainer', GIT_COMMITTER_EMAIL: 'maintainer@example.org' };
let scratch: string;
let origin: string;
let runner: string;
let maintainer: string;
/** Every `git push` of the flow, with what git answered. */
const pushes: { where: string; args: string[]; status: number | null; stderr: string }[] = [];

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity } });
  if (args[0] === 'push') pushes.push({ where: cwd, args, status: result.status, stderr: result.stderr });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${result.stderr}`);
  return result.stdout.trim();
}
const npm = (cwd: string, script: string, ...args: string[]) => {
  const result = spawnSync('npm', ['run', '-s', script, '--', ...args], { cwd, encoding: 'utf8', env: copyEnvironment(identity) });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};
const pins = (cwd: string, revision = 'HEAD', file = PROD): Record<string, string> => JSON.parse(git(cwd, 'show', `${revision}:${file}`));
const event = (fixture: string) => JSON.parse(readFileSync(join(EVENTS, fixture), 'utf8'));
const stage = event('v3.0.7-stage.json');
const SHA = stage.client_payload.source_sha as string;

/** The workflow run for `eventFile`: checkout of main, apply (no token), publish (the token); outputs and gh calls. */
function workflow(eventFile: string) {
  const state = join(scratch, 'state');
  const output = join(scratch, 'github-output');
  const calls = join(scratch, 'gh-calls');
  rmSync(output, { force: true });
  rmSync(calls, { force: true });
  git(runner, 'fetch', '--quiet', 'origin', 'main');
  git(runner, 'checkout', '--quiet', '--force', '--detach', 'FETCH_HEAD');
  const env = (extra: NodeJS.ProcessEnv) =>
    copyEnvironment({
      ...identity,
      GITHUB_EVENT_PATH: eventFile,
      STATE_DIR: state,
      GITHUB_OUTPUT: output,
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_REPOSITORY: 'epfl-enac/co2-calculator-deploy',
      PATH: `${join(scratch, 'bin')}:${process.env.PATH}`,
      ...extra,
    });
  const script = join(runner, '.github', 'scripts', 'apply-dispatch.sh');
  const apply = spawnSync(script, ['apply'], { cwd: runner, encoding: 'utf8', env: env({}) });
  const outputs = existsSync(output) ? Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').map((line) => line.split('=', 2))) : {};
  if (apply.status !== 0 || outputs.changed !== 'true') return { apply, outputs, publish: undefined, prs: [] as string[][] };
  const publish = spawnSync(script, ['publish'], { cwd: runner, encoding: 'utf8', env: env({ GH_TOKEN: 'test-token' }) });
  pushes.push({ where: 'apply-dispatch.sh publish', args: [], status: publish.status, stderr: publish.stderr });
  const prs = (existsSync(calls) ? readFileSync(calls, 'utf8').split('---\n').filter(Boolean) : []).map((call) => call.trimEnd().split('\n')).filter((call) => call[0] === 'pr');
  return { apply, outputs, publish, prs };
}

/** The maintainer's pull request: `command` on a branch off main, committed with its message, merged with a merge commit. */
function pullRequest(branch: string, script: string, ...args: string[]) {
  git(maintainer, 'fetch', '--quiet', 'origin');
  git(maintainer, 'checkout', '--quiet', '-B', branch, 'origin/main');
  const messageFile = join(scratch, `${branch}.message`);
  const run = npm(maintainer, script, ...args, '--message-file', messageFile);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  git(maintainer, 'add', '--all', '--', 'environments', 'dist');
  git(maintainer, 'commit', '--quiet', '--file', messageFile);
  const commit = git(maintainer, 'rev-parse', 'HEAD');
  git(maintainer, 'push', '--quiet', 'origin', branch);
  git(maintainer, 'checkout', '--quiet', '-B', 'main', 'origin/main');
  git(maintainer, 'merge', '--quiet', '--no-ff', '--message', `Merge pull request from ${branch}`, branch);
  git(maintainer, 'push', '--quiet', 'origin', 'main');
  return { run, commit, message: readFileSync(messageFile, 'utf8') };
}

/** A release dispatch of the staging commit (v3.0.7-prod.json, rebuilt: its own digests), changed by `edit`. */
function releaseEvent(name: string, edit: (event: any) => void = () => {}): string {
  const release = event('v3.0.7-prod.json');
  release.client_payload.source_sha = SHA;
  edit(release);
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify(release));
  return file;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'delivery-flow-'));
  runner = copyRepository(join(scratch, 'runner'));
  git(runner, 'init', '--quiet', '--initial-branch=main');
  git(runner, 'add', '--all');
  git(runner, 'commit', '--quiet', '--message', 'main as it was');
  origin = join(scratch, 'origin.git');
  git(scratch, 'clone', '--quiet', '--bare', runner, origin);
  git(runner, 'remote', 'add', 'origin', origin);
  maintainer = copyRepository(join(scratch, 'maintainer'));
  git(maintainer, 'init', '--quiet', '--initial-branch=main');
  git(maintainer, 'remote', 'add', 'origin', origin);
  git(maintainer, 'fetch', '--quiet', 'origin');
  git(maintainer, 'checkout', '--quiet', '--force', '-B', 'main', 'origin/main');
  mkdirSync(join(scratch, 'state'));
  mkdirSync(join(scratch, 'bin'));
  // gh as GitHub's CLI is called: each call's arguments, one per line.
  writeFileSync(join(scratch, 'bin', 'gh'), `#!/bin/sh\n{ printf '%s\\n' "$@"; echo ---; } >> '${join(scratch, 'gh-calls')}'\n`);
  chmodSync(join(scratch, 'bin', 'gh'), 0o755);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('stage dispatch, promote, rebuilt release, rollback, promote again', () => {
  let prodAtStart: Record<string, string>;
  let firstPromotion: string;

  test('1. a stage dispatch is pushed to main, pinned to its commit', () => {
    prodAtStart = pins(origin, 'main');
    const { apply, outputs, publish } = workflow(join(EVENTS, 'v3.0.7-stage.json'));
    expect(apply.stderr).not.toMatch(/^error:/m);
    expect(outputs).toEqual({ changed: 'true', publish: 'push' });
    expect(publish!.status).toBe(0);
    const staging = pins(origin, 'main', STAGING);
    for (const image of stage.client_payload.images) expect(staging[image.name.split('/').pop()]).toBe(`${image.name}:${SHA}@${image.digest}`);
    expect(git(origin, 'log', '-1', '--format=%s', 'main')).toBe(`chore(manifest): update epfl/co2-calculator (staging) to ${SHA.slice(0, 7)}`);
    const where = npm(maintainer, 'where', '--at', 'HEAD');
    expect(where.status).toBe(0);
    git(maintainer, 'fetch', '--quiet', 'origin');
    expect(npm(maintainer, 'where', '--at', 'origin/main').stdout).toContain('waiting to be promoted from staging to prod');
  });

  test('2. promote: prod gets exactly the digests staging runs, the source commit in the trailers', () => {
    const { message, commit } = pullRequest('promote-1', 'promote', '--from', 'staging', '--to', 'prod');
    firstPromotion = commit;
    const prod = pins(origin, 'main');
    expect(prod).toEqual(pins(origin, 'main', STAGING));
    expect(message.split('\n')[0]).toBe(`chore(promote): prod to what staging runs (${SHA.slice(0, 7)})`);
    expect(git(origin, 'log', '-1', '--format=%(trailers:key=Source-commit,valueonly)', commit)).toBe(SHA);
    expect(git(origin, 'log', '-1', '--format=%(trailers:key=Promoted-from,valueonly)', commit)).toBe('staging');
    git(maintainer, 'fetch', '--quiet', 'origin');
    const where = npm(maintainer, 'where', '--at', 'origin/main').stdout;
    expect(where).toContain('prod runs every digest staging runs: nothing waiting to be promoted');
    expect(where).toMatch(new RegExp(`^prod +main +backend +${SHA.slice(0, 12)} +sha256:437d4b4f6d62 +${SHA.slice(0, 12)}$`, 'm'));
  });

  test('3. a release rebuilt with other digests opens a pull request that says so first; main is unchanged', () => {
    const main = git(origin, 'rev-parse', 'main');
    const { outputs, publish, prs } = workflow(releaseEvent('release-v1.0.8.json'));
    expect(outputs).toEqual({ changed: 'true', publish: 'pull-request' });
    expect(publish!.status).toBe(0);
    expect(git(origin, 'rev-parse', 'main')).toBe(main);
    expect(prs).toHaveLength(1);
    expect(prs[0].slice(0, 8)).toEqual(['pr', 'create', '--base', 'main', '--head', 'update-manifest/4242-1', '--title', `digests differ from what staging ran for ${SHA.slice(0, 12)} (prod v1.0.8)`]);
    const message = git(origin, 'log', '-1', '--format=%B', 'update-manifest/4242-1');
    expect(message).toContain('chore(manifest): update epfl/co2-calculator (prod) to v1.0.8\n');
    expect(message).toContain(`Commit: ${SHA}\n`);
  });

  test('4. rollback: prod back to the pins before the promotion, as a forward commit', () => {
    const { message } = pullRequest('rollback-1', 'rollback', '--env', 'prod');
    expect(pins(origin, 'main')).toEqual(prodAtStart);
    expect(message.split('\n')[0]).toMatch(/^chore\(rollback\): prod to the pins of [0-9a-f]{12} \(v1\.0\.7\)$/);
    expect(git(origin, 'log', '-1', '--format=%(trailers:key=Undoes,valueonly)', 'main^2')).toBe(firstPromotion);
    // A forward change: the promotion is still in main's history, nothing was reverted.
    git(origin, 'merge-base', '--is-ancestor', firstPromotion, 'main');
  });

  test('5. promote again: the same digests, now tagged with the release the dispatch named', () => {
    const { message } = pullRequest('promote-2', 'promote', '--to', 'prod');
    const prod = pins(origin, 'main');
    const staging = pins(origin, 'main', STAGING);
    for (const [component, reference] of Object.entries(staging)) expect(prod[component]).toBe(reference.replace(`:${SHA}@`, ':v1.0.8@'));
    expect(message.split('\n')[0]).toBe('chore(promote): prod to what staging runs (v1.0.8)');
    expect(git(origin, 'log', '-1', '--format=%(trailers:key=Release,valueonly)', 'main^2')).toBe('v1.0.8');
    git(maintainer, 'fetch', '--quiet', 'origin');
    expect(npm(maintainer, 'where', '--at', 'origin/main').stdout).toMatch(new RegExp(`^prod +main +frontend +v1\\.0\\.8 +sha256:3ac00c01170a +${SHA.slice(0, 12)}$`, 'm'));
  });

  test('6. refusals change nothing: a lower release, a commit staging never ran; nothing left to promote', () => {
    const main = git(origin, 'rev-parse', 'main');
    const lower = workflow(releaseEvent('release-v1.0.7.json', (e) => e.client_payload.images.forEach((image: any) => (image.ref_name = 'v1.0.7'))));
    expect(lower.apply.status).toBe(1);
    expect(lower.apply.stderr).toContain('error: client_payload.images[0].ref_name: v1.0.7 is lower than v1.0.8, which prod runs (frontend); a dispatch never rolls back: use npm run rollback');
    const untested = workflow(releaseEvent('release-v1.0.9.json', (e) => {
      e.client_payload.source_sha = 'f'.repeat(40);
      e.client_payload.images.forEach((image: any) => (image.ref_name = 'v1.0.9'));
    }));
    expect(untested.apply.status).toBe(1);
    expect(untested.apply.stderr).toContain(`error: client_payload.source_sha: staging never ran ${'f'.repeat(40)} for frontend`);
    expect(git(origin, 'rev-parse', 'main')).toBe(main);

    git(maintainer, 'fetch', '--quiet', 'origin');
    git(maintainer, 'checkout', '--quiet', '-B', 'main', 'origin/main');
    const again = npm(maintainer, 'promote', '--to', 'prod');
    expect(again.status).toBe(0);
    expect(again.stdout.trimEnd().split('\n').at(-1)).toBe('prod already runs what staging runs: nothing to promote');
    expect(git(maintainer, 'status', '--porcelain')).toBe('');

    // Bad input that only git can judge: one error line each, and not a file changed.
    const refused = (args: string[], message: string) => {
      const run = npm(maintainer, args[0], ...args.slice(1));
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 1, stdout: '', stderr: `error: ${message}\n` });
    };
    refused(['rollback', '--env', 'prod', '--to', 'no-such-commit'], '--to no-such-commit: no such commit in this repository (git rev-parse)');
    refused(['where', '--at', 'no-such-commit'], '--at no-such-commit: no such commit in this repository (git rev-parse)');
    expect(git(maintainer, 'status', '--porcelain')).toBe('');
    writeFileSync(join(maintainer, STAGING), readFileSync(join(maintainer, STAGING), 'utf8').replace('"backend"', '"backend" '));
    refused(['promote', '--to', 'prod'], `${STAGING}: has uncommitted changes; staging runs what is committed, so only that is promoted: commit or discard them first (git diff -- ${STAGING})`);
    git(maintainer, 'checkout', '--', STAGING);
    expect(git(maintainer, 'status', '--porcelain')).toBe('');
  });

  test('7. rollback and promote work in the other order too, and no push of the flow was refused', () => {
    pullRequest('rollback-2', 'rollback', '--env', 'prod');
    expect(pins(origin, 'main')).toEqual(prodAtStart);
    pullRequest('promote-3', 'promote', '--to', 'prod');
    expect(pins(origin, 'main')[`backend`]).toMatch(/:v1\.0\.8@sha256:437d4b4f6d62/);
    // dist/ on main is what synthesis writes from its images files.
    git(maintainer, 'fetch', '--quiet', 'origin');
    git(maintainer, 'checkout', '--quiet', '-B', 'main', 'origin/main');
    const diff = npm(maintainer, 'diff', '--against', 'head', '--exit-code');
    expect(diff.status).toBe(0);
    expect(pushes.length).toBeGreaterThanOrEqual(10);
    expect(pushes.filter(({ status, stderr }) => status !== 0 || /\[rejected\]|non-fast-forward/.test(stderr))).toEqual([]);
  });
});
