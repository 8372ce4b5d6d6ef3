/**
 * .github/rulesets/main.json is what GitHub's ruleset import accepts (the request body of
 * POST /repos/{owner}/{repo}/rulesets, from GitHub's own OpenAPI description: docs/sources/ci.md),
 * and it asks for what the delivery model relies on (docs/delivery.md).
 */
import Ajv from 'ajv';
import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const ruleset = JSON.parse(readFileSync(join(ROOT, '.github/rulesets/main.json'), 'utf8'));
const requestSchema = JSON.parse(readFileSync(join(__dirname, 'github-ruleset-request.schema.json'), 'utf8'));
// The schema is OpenAPI 3.0 (`nullable`, descriptions GitHub's validator ignores): not strict JSON Schema.
const validate = new Ajv({ strict: false, allErrors: true }).compile(requestSchema);

type Rule = { type: string; parameters?: Record<string, unknown> };
const rule = (type: string): Rule | undefined => (ruleset.rules as Rule[]).find((candidate) => candidate.type === type);

describe('the ruleset of main', () => {
  test('is a valid ruleset request for GitHub', () => {
    expect(validate(ruleset) ? [] : validate.errors).toEqual([]);
  });

  test('the schema check refuses what GitHub refuses', () => {
    expect(validate({ ...ruleset, enforcement: 'on' })).toBe(false);
    expect(validate({ ...ruleset, rules: [{ type: 'pull_request', parameters: { required_approving_review_count: 'one' } }] })).toBe(false);
    expect(validate({ ...ruleset, bypass_actors: [{ actor_type: 'Robot' }] })).toBe(false);
  });

  test('protects the default branch, which every Application follows', () => {
    expect(ruleset).toMatchObject({ target: 'branch', enforcement: 'active', conditions: { ref_name: { include: ['~DEFAULT_BRANCH'] } } });
  });

  test('no force push, no deletion; a reviewed pull request with code owners', () => {
    expect(rule('deletion')).toBeDefined();
    expect(rule('non_fast_forward')).toBeDefined();
    expect(rule('pull_request')?.parameters).toMatchObject({ required_approving_review_count: 1, require_code_owner_review: true, dismiss_stale_reviews_on_push: true, require_last_push_approval: true });
  });

  test('keeps the commits whose trailers promote and where read (no squash merge)', () => {
    expect(rule('pull_request')?.parameters?.allowed_merge_methods).not.toContain('squash');
  });

  test('requires the check that CI and the deployment workflow report', () => {
    const ci = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8'));
    const dispatch = readFileSync(join(ROOT, '.github/scripts/apply-dispatch.sh'), 'utf8');
    const contexts = (rule('required_status_checks')?.parameters?.required_status_checks as { context: string }[]).map(({ context }) => context);
    expect(contexts).toEqual(Object.keys(ci.jobs));
    expect(dispatch).toContain(`-f context=${contexts[0]}`);
  });

  test('only the GitHub Actions app bypasses it (the deployment workflow pushing dev and staging pins)', () => {
    expect(ruleset.bypass_actors).toEqual([{ actor_id: 15368, actor_type: 'Integration', bypass_mode: 'always' }]);
  });
});
