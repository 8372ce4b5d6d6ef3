/** Promotion and rollback planned from images files and commit messages (lib/delivery/promote.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE } from '../../environments/pipeline';
import { compareReleases, dispatchersOf, HistoryCommit, planPromotion, planRollback, PromotionError, releasesInHistory } from '../../lib/delivery/promote';
import { parseDispatchEvent, planManifestUpdate } from '../../lib/delivery/update-manifest';

const SHA_A = 'a7cd6ec671a0c74ab0fa5a8afe5754d54ae17579';
const SHA_B = 'b'.repeat(40);
const DISPATCHERS = dispatchersOf(PIPELINE);
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const file = (path: string, images: Record<string, string>) => ({ path, text: `${JSON.stringify(images, null, 2)}\n` });
const staging = (sha: string, d = ['1', '2', '3']) =>
  file('environments/images/staging.json', {
    frontend: `quay-its.epfl.ch/svc1751/frontend:${sha}@${digest(d[0])}`,
    backend: `quay-its.epfl.ch/svc1751/backend:${sha}@${digest(d[1])}`,
    docs: `quay-its.epfl.ch/svc1751/docs:${sha}@${digest(d[2])}`,
  });
const prod = (version: string, d = ['7', '8', '9']) =>
  file('environments/images/prod.json', {
    frontend: `quay-its.epfl.ch/svc1751/frontend:${version}@${digest(d[0])}`,
    backend: `quay-its.epfl.ch/svc1751/backend:${version}@${digest(d[1])}`,
    docs: `quay-its.epfl.ch/svc1751/docs:${version}@${digest(d[2])}`,
  });

/** The commit message update-manifest writes for the release dispatch fixture, with `staging` running its commit. */
function releaseDispatchMessage(stagingDigests: string[]): string {
  const event = JSON.parse(readFileSync(join(__dirname, 'dispatch-events', 'v3.0.7-prod.json'), 'utf8'));
  const plan = planManifestUpdate(parseDispatchEvent(event, 'event.json'), PIPELINE, (environment) => (environment === 'staging' ? staging(SHA_A, stagingDigests) : prod('v1.0.7')));
  if (plan.kind !== 'update') throw new Error('the fixture deploys prod');
  return plan.commitMessage;
}

describe('releasesInHistory', () => {
  test('reads the release and source commit of a dispatch message, also under a "digests differ" subject', () => {
    const message = releaseDispatchMessage(['1', '2', '3']);
    expect(message.split('\n')[0]).toBe(`digests differ from what staging ran for ${SHA_A.slice(0, 12)} (prod v1.0.8)`);
    expect(releasesInHistory([{ sha: 'c'.repeat(40), message }], DISPATCHERS)).toEqual([{ version: 'v1.0.8', sourceCommit: SHA_A, recordedIn: 'c'.repeat(40) }]);
  });

  test('counts a dispatch only from a sender allowed to deploy there, and a promotion only once merged', () => {
    const message = releaseDispatchMessage(['1', '2', '3']);
    expect(message).toContain('\nDispatched-by: epfl-enac-bot\n');
    const forged = message.replace('Dispatched-by: epfl-enac-bot', 'Dispatched-by: mallory');
    const unsigned = message.replace(/\nDispatched-by: .*\n/, '\n');
    const promotion = `chore(promote): prod to what staging runs (v9.9.9)\n\nPromoted-from: staging\nSource-commit: ${SHA_A}\nRelease: v9.9.9\n`;
    const history = [forged, unsigned].map((text, i) => ({ sha: String(i).repeat(40), message: text }));
    expect(releasesInHistory([...history, { sha: '2'.repeat(40), message: promotion, unmerged: true }], DISPATCHERS)).toEqual([]);
    expect(releasesInHistory([{ sha: '3'.repeat(40), message, unmerged: true }], DISPATCHERS)).toEqual([{ version: 'v1.0.8', sourceCommit: SHA_A, recordedIn: '3'.repeat(40) }]);
  });

  test('reads a promotion that carried a release, and ignores messages that only look alike', () => {
    const history: HistoryCommit[] = [
      { sha: '1'.repeat(40), message: `chore(promote): prod to what staging runs (v1.0.9)\n\nbody\n\nPromoted-from: staging\nSource-commit: ${SHA_B}\nRelease: v1.0.9\n` },
      { sha: '2'.repeat(40), message: 'chore(manifest): update epfl/co2-calculator (prod) to v1.0.5\n\nCommit: unknown (the dispatch does not name it)\n' },
      { sha: '3'.repeat(40), message: `Fix a typo\n\nchore(manifest): update x to v2.0.0 was wrong\nCommit: ${SHA_A}\n` },
    ];
    expect(releasesInHistory(history, DISPATCHERS)).toEqual([{ version: 'v1.0.9', sourceCommit: SHA_B, recordedIn: '1'.repeat(40) }]);
  });
});

describe('planPromotion', () => {
  const request = { from: 'staging', to: 'prod', sourceRevision: 'd'.repeat(40), noDowngrade: true, dispatchers: DISPATCHERS };

  test('copies every digest staging runs, with the release version of its commit as the tag, and records the commit', () => {
    const history = [{ sha: 'c'.repeat(40), message: releaseDispatchMessage(['4', '5', '6']) }];
    const plan = planPromotion({ ...request, source: staging(SHA_A), target: prod('v1.0.7'), history });
    expect(JSON.parse(plan.edits.get('environments/images/prod.json')!)).toEqual({
      frontend: `quay-its.epfl.ch/svc1751/frontend:v1.0.8@${digest('1')}`,
      backend: `quay-its.epfl.ch/svc1751/backend:v1.0.8@${digest('2')}`,
      docs: `quay-its.epfl.ch/svc1751/docs:v1.0.8@${digest('3')}`,
    });
    const lines = plan.commitMessage.split('\n');
    expect(lines[0]).toBe('chore(promote): prod to what staging runs (v1.0.8)');
    expect(lines.slice(-4)).toEqual(['Promoted-from: staging', `Source-commit: ${SHA_A}`, 'Release: v1.0.8', '']);
    expect(plan.commitMessage).toContain(`v1.0.8 is the release of ${SHA_A.slice(0, 12)} (its dispatch: cccccccccccc).`);
    expect(plan.commitMessage).toContain(`    from v1.0.7@sha256:777777777777\n    to   v1.0.8@sha256:111111111111\n`);
    expect(lines.every((line) => line.length <= 72)).toBe(true);
    // What it records is what the next promotion and `where` read back.
    expect(releasesInHistory([{ sha: 'e'.repeat(40), message: plan.commitMessage }], DISPATCHERS)).toEqual([{ version: 'v1.0.8', sourceCommit: SHA_A, recordedIn: 'e'.repeat(40) }]);
  });

  test('without a release for the commit, keeps the commit SHA as the tag', () => {
    const plan = planPromotion({ ...request, source: staging(SHA_B), target: prod('v1.0.7'), history: [{ sha: 'c'.repeat(40), message: releaseDispatchMessage(['1', '2', '3']) }] });
    expect(JSON.parse(plan.edits.get('environments/images/prod.json')!).backend).toBe(`quay-its.epfl.ch/svc1751/backend:${SHA_B}@${digest('2')}`);
    expect(plan.commitMessage.split('\n')[0]).toBe('chore(promote): prod to what staging runs (bbbbbbb)');
    expect(plan.commitMessage).not.toContain('Release:');
  });

  test('nothing to promote when prod already runs those pins', () => {
    const source = staging(SHA_B);
    const plan = planPromotion({ ...request, source, target: { ...source, path: 'environments/images/prod.json' }, history: [] });
    expect(plan.edits.size).toBe(0);
    expect(plan.lines.at(-1)).toBe('prod already runs what staging runs: nothing to promote');
  });

  test.each([
    ['a pin without digest', () => ({ source: file('environments/images/staging.json', { frontend: 'quay-its.epfl.ch/svc1751/frontend:v1.0.9', backend: 'quay-its.epfl.ch/svc1751/backend:v1.0.9', docs: 'quay-its.epfl.ch/svc1751/docs:v1.0.9' }) }), 'environments/images/staging.json: frontend is "quay-its.epfl.ch/svc1751/frontend:v1.0.9", pinned by tag only'],
    ['a component staging lacks', () => ({ source: file('environments/images/staging.json', { frontend: `quay-its.epfl.ch/svc1751/frontend:${SHA_A}@${digest('1')}` }) }), 'environments/images/staging.json: has no backend, docs, which prod runs'],
    ['a lower release than prod runs', () => ({ source: prod('v1.0.6', ['1', '2', '3']), target: prod('v1.0.7') }), 'frontend is v1.0.6, lower than v1.0.7, which prod runs; a promotion never rolls back: use npm run rollback -- --env prod'],
    ['the same environment twice', () => ({ to: 'staging' }), '--from and --to are both "staging"'],
  ])('refuses %s', (_name, change, message) => {
    expect(() => planPromotion({ ...request, source: staging(SHA_A), target: prod('v1.0.7'), history: [], ...change() })).toThrow(PromotionError);
    expect(() => planPromotion({ ...request, source: staging(SHA_A), target: prod('v1.0.7'), history: [], ...change() })).toThrow(message);
  });
});

describe('planRollback', () => {
  const undoing = { sha: 'f'.repeat(40), message: 'chore(promote): prod to what staging runs (v1.0.8)\n' };

  test('restores the earlier pins as a forward change, and says when it lowers a release', () => {
    const plan = planRollback({ environment: 'prod', current: prod('v1.0.8', ['1', '2', '3']), restored: prod('v1.0.7'), restoredFrom: 'e'.repeat(40), undoing });
    expect(plan.edits.get('environments/images/prod.json')).toBe(prod('v1.0.7').text);
    const lines = plan.commitMessage.split('\n');
    expect(lines[0]).toBe('chore(rollback): prod to the pins of eeeeeeeeeeee (v1.0.7)');
    // Prose lines are wrapped at 72 columns, continued two columns in.
    const prose = plan.commitMessage.replace(/\n  (?! )/g, ' ');
    expect(prose).toContain('An explicit rollback to a lower release (frontend, backend, docs), which no dispatch may make.');
    expect(prose).toContain('before ffffffffffff ("chore(promote): prod to what staging runs (v1.0.8)"), at eeeeeeeeeeee.');
    expect(lines.slice(-4)).toEqual(['Rolled-back: prod', `Restored-from: ${'e'.repeat(40)}`, `Undoes: ${'f'.repeat(40)}`, '']);
    expect(lines.every((line) => line.length <= 72)).toBe(true);
  });

  test('nothing to roll back when the pins are already those', () => {
    expect(planRollback({ environment: 'prod', current: prod('v1.0.7'), restored: prod('v1.0.7'), restoredFrom: 'e'.repeat(40) }).edits.size).toBe(0);
  });

  test('refuses pins of a commit with other components', () => {
    const restored = file('environments/images/prod.json', { frontend: `quay-its.epfl.ch/svc1751/frontend:v1.0.1@${digest('1')}` });
    expect(() => planRollback({ environment: 'prod', current: prod('v1.0.7'), restored, restoredFrom: 'e'.repeat(40) })).toThrow(
      'environments/images/prod.json at eeeeeeeeeeee: has no backend, docs; roll back to a later commit (--to)',
    );
  });
});

test('compareReleases orders vX.Y.Z numerically and ignores anything else', () => {
  expect(compareReleases('v1.0.10', 'v1.0.9')).toBeGreaterThan(0);
  expect(compareReleases('v1.0.9', 'v1.1.0')).toBeLessThan(0);
  expect(compareReleases(SHA_A, 'v1.0.9')).toBe(0);
});
