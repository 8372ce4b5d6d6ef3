/**
 * `npm run bench`: how long synthesis takes, next to `kubectl kustomize` rendering the same objects on
 * the same machine; a run with nothing to change and `npm run diff` against a full synthesis; then how
 * synthesis grows with preview environments, in time and memory. Prints a markdown table and writes it
 * to docs/benchmarks.md. (The cdk8s CLI's ts-node row is gone with ts-node: docs/performance.md.)
 *
 *   npm run bench                     # 7 runs per row (at most 3 for the slow rows)
 *   npm run bench -- --runs 3         # fewer runs
 *   npm run bench -- --skip-tests     # without the npm test rows (minutes)
 *   npm run bench -- --skip-ci        # without the .ci/run row (several minutes, needs the npm registry)
 *   npm run bench -- --out <file>     # write the report elsewhere (default docs/benchmarks.md)
 *
 * Two goals are checked side by side in one run: warm synthesis at most 0.8 times the kubectl
 * kustomize row, and `npm test` at most half the time of the same command at BASELINE_COMMIT (the
 * tree the goal was set against), checked out beside and run here with the same installed packages.
 *
 * Every number is the wall time of whole processes, started from here one after the other: process
 * start, module loading (a bundle of the TypeScript), environment validation, synthesis,
 * schema validation of every object, rendering YAML and writing each file into an empty temporary
 * folder (never dist/). Peak RSS is GNU time's %M: the largest resident set of any process of a run.
 * Let nothing else run on the machine meanwhile.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { holdsCurrentSynthesis } from '../lib/cli/write-output';
import { REPO_ROOT } from '../lib/core/repo-root';
import { STAMP_FILE } from '../lib/synth/input-stamp';
import { sharedReferenceData } from '../lib/synth/schema-sources';
/** Where synthesis keeps compiled schema validators between runs (lib/synth); deleted for the cold rows. */
const VALIDATOR_CACHE = join(REPO_ROOT, 'node_modules', '.cache', 'co2-calculator', 'validators');
/** Where scripts/run.cjs keeps the bundles it runs; deleted for the fresh-clone row. */
const COMPILED_COPY = join(REPO_ROOT, 'node_modules', '.cache', 'co2-calculator', 'build');
const GNU_TIME = '/usr/bin/time';
/** The ArgoCD folder of the output: not an environment. */
const DELIVERY_FOLDER = 'argocd';
const PREVIEW_COUNTS = [10, 50, 200, 1000];
/** Rows whose single run takes many seconds get at most this many runs. */
const SLOW_RUNS = 3;
const GOALS = { kustomizeRatio: 0.8, testRatio: 0.5, previewCount: 200, previewsMs: 10_000, memoryPreviews: 1000, memoryRatio: 1.5, unchangedRatio: 0.5 };
/**
 * The commit whose `npm test` the test-time goal is measured against: main when that goal was set
 * (538 tests). Its suite runs from a git worktree with this checkout's node_modules, which hold every
 * package it needs at the same versions.
 */
const BASELINE_COMMIT = 'd24d5d4';
/** Warm `npm test` runs per row: a run takes seconds. */
const TEST_RUNS = 3;
const USAGE = 'usage: npm run bench -- [--runs N] [--skip-tests] [--skip-ci] [--out <file>]';

interface Command {
  readonly file: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** @default the repository */
  readonly cwd?: string;
  /** Keep what it prints, for the message when it fails (tsc prints its errors there). @default discarded */
  readonly keepStdout?: boolean;
}

/** Wall time of each run, and the largest resident set seen in any of them (undefined without GNU time). */
interface Measurement {
  readonly wallMs: readonly number[];
  readonly peakRssKb?: number;
}

interface Bench {
  /** Temporary folder for every output of the benchmark; removed at the end. */
  readonly scratch: string;
  readonly gnuTime: boolean;
}

/** A command that exited with an error status. */
class CommandFailed extends Error {
  constructor(
    readonly command: Command,
    readonly stderr: string,
    readonly stdout = '',
  ) {
    super(`${[command.file, ...command.args].join(' ')} failed:\n${(stderr.trim() || stdout.trim()).split('\n').slice(-20).join('\n')}`);
  }
}

/** The line of a command's output that names the error (`error TS…`, `Error:`, `error:`), else its first. */
function firstErrorLine(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /^(\w*Error\b|error:)|\berror TS\d+/i.test(line)) ?? lines[0] ?? 'no output';
}

/** One line of the table. A row without a measurement was skipped, and `note` says why. */
interface Row {
  readonly name: string;
  readonly measurement?: Measurement;
  /** Environments the row renders, for the time per environment. */
  readonly environments?: number;
  readonly goal?: string;
  readonly met?: string;
  readonly note?: string;
  /** The command failed; `note` says how. */
  readonly failed?: boolean;
}

// --- running and timing -------------------------------------------------------------------------

/** Runs one command to completion (output discarded) and returns its peak RSS in KiB when GNU time is there. */
function runOnce(bench: Bench, command: Command): number | undefined {
  const rssFile = join(bench.scratch, 'peak-rss');
  const [file, args] = bench.gnuTime
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command.file, ...command.args]]
    : [command.file, [...command.args]];
  const result = spawnSync(file, args, {
    cwd: command.cwd ?? REPO_ROOT,
    env: { ...childEnvironment(), ...command.env },
    stdio: ['ignore', command.keepStdout ? 'pipe' : 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new CommandFailed(command, result.stderr, result.stdout ?? '');
  return bench.gnuTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
}

/** This environment, without a setting that would move synthesis' validator cache away from where the cold rows delete it. */
function childEnvironment(): NodeJS.ProcessEnv {
  const { CO2_VALIDATOR_CACHE: _moved, ...env } = process.env;
  return env;
}

/**
 * Runs `commands` one after the other, `runs` times, and times each run as a whole. `prepare` runs
 * before each run, outside the timing (e.g. to empty the output folder).
 */
function measure(bench: Bench, label: string, runs: number, commands: readonly Command[], prepare = () => {}): Measurement {
  const wallMs: number[] = [];
  let peakRssKb: number | undefined;
  for (let run = 1; run <= runs; run++) {
    prepare();
    const start = performance.now();
    const rss = commands.map((command) => runOnce(bench, command));
    wallMs.push(performance.now() - start);
    for (const kb of rss) if (kb !== undefined) peakRssKb = Math.max(peakRssKb ?? 0, kb);
    console.error(`  ${label}: run ${run}/${runs} ${seconds(wallMs[wallMs.length - 1])}`);
  }
  return { wallMs, peakRssKb };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

// --- what is measured -----------------------------------------------------------------------------

/**
 * `npm run synth` without npm: the command of its package.json script (`node <flags> main.ts`), with
 * this node, into `out`, plus any extra arguments.
 */
function synthCommand(out: string, ...extra: string[]): Command {
  const script = synthScript();
  const [program, ...args] = script.split(/\s+/);
  if (program !== 'node') throw new Error(`the synth script of package.json does not start with node: ${script}`);
  return { file: process.execPath, args: [...args, '--out', out, '--quiet', ...extra] };
}

function synthScript(): string {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts.synth;
}

/** Empties `folder` (outside the timing), so that every run writes every file. */
function emptying(folder: string): () => void {
  return () => rmSync(folder, { recursive: true, force: true });
}

/** The environment folders of a synthesized output (every folder but the ArgoCD one). */
function environmentFolders(out: string): string[] {
  return readdirSync(out, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== DELIVERY_FOLDER)
    .map((entry) => entry.name)
    .sort();
}

/** Medians of the standard environments that the reference rows are compared with. */
interface SynthBaseline {
  /** Warm, into the previous run's output: the `npm run synth` of a checkout, where dist/ is there. */
  readonly warmMs: number;
  /** Warm, into an empty folder: every file created, like `cdk8s synth`, which empties its output first. */
  readonly emptyMs: number;
  /** Into its own previous output with the stamp that run left: skipped, as nothing changed. */
  readonly unchanged: Measurement;
  readonly environments: number;
}

/**
 * Standard environments: the first run as found, warm runs into the previous output and into an empty
 * folder, runs without the caches, and the same through npm. Every run but the empty-folder ones finds
 * the previous run's output, as `npm run synth` finds dist/: unchanged files are compared, not rewritten.
 */
function benchSynth(bench: Bench, runs: number, out: string): { rows: Row[]; baseline: SynthBaseline; warmRssKb?: number } {
  const command = synthCommand(out);
  const slowRuns = Math.min(runs, SLOW_RUNS);
  // Every row but "nothing to change" synthesizes: without the stamp the last run left, none is skipped.
  const unstamped = (then = () => {}) => () => (rmSync(join(out, STAMP_FILE), { force: true }), then());
  const first = measure(bench, 'synth, first run', 1, [command], emptying(out));
  const warm = measure(bench, 'synth, warm', runs, [command], unstamped());
  const empty = measure(bench, 'synth, warm into an empty folder', runs, [command], emptying(out));
  const cacheNote = existsSync(VALIDATOR_CACHE)
    ? `deletes ${relative(REPO_ROOT, VALIDATOR_CACHE)} before each run`
    : `this checkout keeps no validator cache (${relative(REPO_ROOT, VALIDATOR_CACHE)} never appeared), so this is no colder than warm`;
  const deleteCache = () => rmSync(VALIDATOR_CACHE, { recursive: true, force: true });
  const cold = measure(bench, 'synth, cold', slowRuns, [command], unstamped(deleteCache));
  const deleteCaches = () => [VALIDATOR_CACHE, COMPILED_COPY].forEach((folder) => rmSync(folder, { recursive: true, force: true }));
  const fresh = measure(bench, 'synth, as after a fresh clone', slowRuns, [command], unstamped(deleteCaches));
  const npm = { file: 'npm', args: ['run', '--silent', 'synth', '--', '--out', out, '--quiet'] };
  const viaNpm = measure(bench, 'npm run synth', slowRuns, [npm], unstamped());
  // The stamp of the run before holds: nothing it read changed (lib/synth/input-stamp.ts).
  measure(bench, 'synth, writing the stamp', 1, [command], unstamped());
  const unchanged = measure(bench, 'synth with nothing to change', runs, [command]);
  const environments = environmentFolders(out).length;
  const baseline = { warmMs: median(warm.wallMs), emptyMs: median(empty.wallMs), unchanged, environments };
  const row = (name: string, measurement: Measurement, note?: string): Row => ({ name, measurement, environments, note });
  return {
    baseline,
    warmRssKb: warm.peakRssKb,
    rows: [
      row('synth, first run (caches as found, empty folder)', first),
      row('synth, warm (validator cache filled)', warm, 'into the previous output, as into dist/, its stamp removed: every object synthesized and validated; compared with kubectl kustomize below'),
      row('synth, warm, into an empty folder', empty, 'every file created'),
      row('synth, cold: validator cache deleted', cold, cacheNote),
      row('synth, first run after a fresh clone', fresh, 'no bundle of the sources, no validator cache: both are made'),
      row('`npm run synth` (through npm)', viaNpm, 'warm, plus npm’s own start'),
    ],
  };
}

/**
 * A run with nothing to change (synth into its own previous output, whose stamp holds) and `npm run
 * diff` (against the committed dist/: it reads dist/ when the stamp of the last `npm run synth` there
 * holds, else synthesizes in memory), each against a full synthesis: warm, into an empty folder.
 */
function benchUnchanged(baseline: SynthBaseline, { diffed, stamped }: DiffMeasurement): Row[] {
  const goal = `≤ ${GOALS.unchangedRatio}× a full synthesis`;
  const ratio = (ms: number) => ms / baseline.emptyMs;
  const row = (name: string, ms: number, measurement: Measurement | undefined, note: string): Row => ({
    name,
    measurement,
    goal,
    met: verdict(ratio(ms) <= GOALS.unchangedRatio, `${ratio(ms).toFixed(2)}×: full ${seconds(baseline.emptyMs)}`),
    note,
  });
  return [
    row('synth with nothing to change', median(baseline.unchanged.wallMs), baseline.unchanged, 'into its previous output, whose stamp holds: skipped; compared with synth into an empty folder'),
    row(
      '`npm run diff`, nothing differs',
      median(diffed.wallMs),
      diffed,
      `against the committed dist/ (git HEAD); ${stamped ? "dist/'s stamp held: dist/ read, not synthesized" : "dist/'s stamp did not hold (run `npm run synth` first): synthesized in memory"}; compared with synth into an empty folder`,
    ),
  ];
}

interface DiffMeasurement {
  readonly diffed: Measurement;
  /** Whether dist/'s stamp held, so that the diff read dist/ rather than synthesizing. */
  readonly stamped: boolean;
}

/** `npm run diff` as found: measured first, before the other rows touch the caches. */
function benchDiff(bench: Bench, runs: number): DiffMeasurement {
  const stamped = holdsCurrentSynthesis(join(REPO_ROOT, 'dist'), process.env);
  const diff = { file: process.execPath, args: diffScript().split(/\s+/).slice(1) };
  return { diffed: measure(bench, 'npm run diff', runs, [diff]), stamped };
}

function diffScript(): string {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts.diff;
}

/** A reference row, or one saying that its tool failed: the other rows are still worth reporting. */
function unlessFailed(name: string, goal: string, row: () => Row): Row {
  return unlessFailedRows(name, goal, () => [row()])[0];
}

function unlessFailedRows(name: string, goal: string, rows: () => Row[]): Row[] {
  try {
    return rows();
  } catch (error) {
    if (!(error instanceof CommandFailed)) throw error;
    console.error(`error: ${error.message}`);
    const output = error.stderr.trim() === '' ? error.stdout : error.stderr;
    return [{ name, goal, failed: true, note: `failed: ${firstErrorLine(output).replaceAll('|', '\\|')}` }];
  }
}

/** `kubectl kustomize` of each environment folder of the synthesized output: the Go reference. */
function benchKustomize(bench: Bench, runs: number, baseline: SynthBaseline, synthOut: string): Row {
  const name = '`kubectl kustomize`, one per environment folder';
  const goal = `synth ≤ ${GOALS.kustomizeRatio}× this`;
  const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    console.error('kubectl not found: skipping the kubectl kustomize row');
    return { name, goal, note: 'skipped: kubectl not installed' };
  }
  return unlessFailed(name, goal, () => {
    const root = join(bench.scratch, 'kustomize');
    cpSync(synthOut, root, { recursive: true });
    const folders = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    for (const folder of folders) writeKustomization(join(root, folder));
    const commands = folders.map((folder) => ({ file: 'kubectl', args: ['kustomize', join(root, folder)] }));
    const measurement = measure(bench, 'kubectl kustomize', runs, commands);
    const ratio = baseline.warmMs / median(measurement.wallMs);
    return {
      name,
      measurement,
      environments: environmentFolders(root).length,
      goal,
      met: verdict(ratio <= GOALS.kustomizeRatio, `${ratio.toFixed(2)}×: synth ${seconds(baseline.warmMs)}`),
      note: `${folders.length} processes (${folders.join(', ')}), output to /dev/null; no schema validation; compared with synth warm`,
    };
  });
}

/** A kustomization.yaml listing every object file of `folder`. */
function writeKustomization(folder: string): void {
  const files = readdirSync(folder).filter((file) => file.endsWith('.yaml')).sort();
  const resources = files.map((file) => `  - ${file}\n`).join('');
  writeFileSync(join(folder, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources}`);
}

/**
 * The standard environments plus 10, 50 and 200 previews (`main.ts --previews <file>`, which replaces
 * the committed preview list), into the previous output like the warm row. A first run creates the
 * files; its time is in the note, not in the median. Each row notes the cost of one more environment
 * since the row before, constant when growth is linear. Skipped with a note while main.ts has no
 * --previews option.
 */
function benchPreviews(bench: Bench, runs: number, baseline: SynthBaseline, baselineRssKb: number | undefined): Row[] {
  const rows: Row[] = [];
  let previous = { ms: baseline.warmMs, environments: baseline.environments };
  for (const count of PREVIEW_COUNTS) {
    const name = `synth + ${count} previews`;
    const file = join(bench.scratch, `previews-${count}.json`);
    writeFileSync(file, `${JSON.stringify(previewNames(count).map((preview) => ({ name: preview })), null, 2)}\n`);
    const out = join(bench.scratch, `previews-${count}`);
    const command = synthCommand(out, '--previews', file);
    let empty: Measurement;
    try {
      empty = measure(bench, `${name}, into an empty folder`, 1, [command]);
    } catch (error) {
      if (!(error instanceof CommandFailed && /unknown option '--previews'/i.test(error.stderr))) throw error;
      console.error('main.ts has no --previews option: skipping the preview rows');
      return PREVIEW_COUNTS.map((n) => ({ name: `synth + ${n} previews`, note: 'skipped: main.ts has no --previews option' }));
    }
    checkPreviewFolders(out, count);
    const measurement = measure(bench, name, runs, [command]);
    const ms = median(measurement.wallMs);
    const environments = environmentFolders(out).length;
    const perAdded = Math.round((ms - previous.ms) / (environments - previous.environments));
    const rss = Math.max(measurement.peakRssKb ?? 0, empty.peakRssKb ?? 0);
    const memory = count === GOALS.memoryPreviews && baselineRssKb !== undefined ? rss / baselineRssKb : undefined;
    rows.push({
      name,
      measurement: { ...measurement, peakRssKb: rss || undefined },
      environments,
      goal: count === GOALS.previewCount ? `≤ ${seconds(GOALS.previewsMs)}` : memory !== undefined ? `peak RSS ≤ ${GOALS.memoryRatio}× synth warm` : undefined,
      met:
        count === GOALS.previewCount
          ? verdict(ms <= GOALS.previewsMs, seconds(ms))
          : memory !== undefined
            ? verdict(memory <= GOALS.memoryRatio, `${memory.toFixed(2)}×: ${Math.round(rss / 1024)} MiB against ${Math.round(baselineRssKb! / 1024)} MiB`)
            : undefined,
      note: `${perAdded < 0 ? '−' : '+'}${Math.abs(perAdded)} ms per added environment (${previous.environments} → ${environments}); into an empty folder: ${seconds(empty.wallMs[0])}`,
    });
    previous = { ms, environments };
  }
  return rows;
}

function previewNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `feature-${String(index + 1).padStart(4, '0')}`);
}

/** The contract: each preview renders to <out>/preview-<name>/. */
function checkPreviewFolders(out: string, count: number): void {
  const folders = readdirSync(out).filter((folder) => folder.startsWith('preview-'));
  const expected = previewNames(count).map((preview) => `preview-${preview}`);
  const missing = expected.filter((folder) => !folders.includes(folder));
  if (folders.length !== count || missing.length > 0) {
    throw new Error(`--previews with ${count} previews wrote ${folders.length} preview folders; missing: ${missing.slice(0, 3).join(', ') || 'none'}`);
  }
}

function verdict(met: boolean, value: string): string {
  return `${met ? 'yes' : '**no**'} (${value})`;
}

/** K8S_SCHEMA_DIRECTORY and CRD_DIRECTORY naming this checkout's reference data, for a checkout elsewhere. */
function sharedReferenceEnvironment(): Record<string, string> {
  const { schemaDirectory, crdDirectory } = sharedReferenceData();
  return { K8S_SCHEMA_DIRECTORY: schemaDirectory, CRD_DIRECTORY: crdDirectory };
}

/** A command run in another folder than the repository, e.g. a checkout of the baseline commit. */
function inFolder(cwd: string, command: Command): Command {
  return { ...command, cwd };
}

/**
 * `npm test` here and at BASELINE_COMMIT, side by side: a first run each (Jest's transform cache
 * cold, as in a fresh clone), then warm runs. The goal compares the warm medians.
 */
function benchTests(bench: Bench): Row[] {
  const baselineName = `\`npm test\` at ${BASELINE_COMMIT} (the goal's baseline), warm`;
  const goal = `this ≤ ${GOALS.testRatio}× the baseline`;
  const baselineDir = join(bench.scratch, 'baseline');
  const added = spawnSync('git', ['worktree', 'add', '--detach', baselineDir, BASELINE_COMMIT], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (added.status !== 0) {
    console.error(`cannot check out ${BASELINE_COMMIT}: ${added.stderr.trim()}`);
    return [{ name: baselineName, goal, note: `skipped: ${BASELINE_COMMIT} cannot be checked out here (a shallow clone?)` }];
  }
  try {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(baselineDir, 'node_modules'));
    const npmTest = { file: 'npm', args: ['test', '--silent'] };
    // The baseline finds ../shared beside itself; point it at this checkout's reference data instead.
    const baselineTest = { ...inFolder(baselineDir, npmTest), env: sharedReferenceEnvironment(), keepStdout: true };
    // The baseline runs with this checkout's packages: once those lack one it needs, it is a failed row, not the end.
    const baselineRows = unlessFailedRows(baselineName, goal, () => {
      const firstBaseline = measure(bench, 'npm test at the baseline, first run', 1, [baselineTest]);
      const warm = measure(bench, 'npm test at the baseline, warm', TEST_RUNS, [baselineTest]);
      return [
        { name: `\`npm test\` at ${BASELINE_COMMIT}, first run`, measurement: firstBaseline, note: `Jest's transform cache cold (a new checkout); ${testCount(baselineDir)} tests` },
        { name: baselineName, measurement: warm, note: 'the same installed packages; ../shared of this checkout' },
      ];
    });
    const baseline = baselineRows.find((row) => row.name === baselineName)?.measurement;
    spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--clearCache'], { cwd: REPO_ROOT });
    const first = measure(bench, 'npm test, first run', 1, [npmTest]);
    // The warm runs also leave Jest's report of each test file, for testTimes.
    const reported = { ...npmTest, args: [...npmTest.args, '--', '--json', `--outputFile=${join(bench.scratch, 'jest.json')}`] };
    const current = measure(bench, 'npm test, warm', TEST_RUNS, [reported]);
    const ratio = baseline && median(current.wallMs) / median(baseline.wallMs);
    return [
      ...baselineRows,
      { name: '`npm test`, first run', measurement: first, note: `Jest's transform cache cleared first; ${testCount(REPO_ROOT)} tests` },
      {
        name: '`npm test`, warm',
        measurement: current,
        goal,
        met: ratio === undefined ? undefined : verdict(ratio <= GOALS.testRatio, `${ratio.toFixed(2)}×`),
        note: `type-check included (test/typecheck.test.ts)${ratio === undefined ? '; no baseline to compare with (above)' : '; same or more assertions than the baseline'}`,
      },
    ];
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', baselineDir], { cwd: REPO_ROOT });
  }
}

/** How many tests a checkout's unit suite has, from Jest's listing of every test without running one. */
function testCount(folder: string): string {
  const listed = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--json', '--testNamePattern', 'no test is named this'], {
    cwd: folder,
    encoding: 'utf8',
    env: { ...process.env, ...sharedReferenceEnvironment() },
  });
  try {
    return String(JSON.parse(listed.stdout).numTotalTests);
  } catch {
    return 'an unknown number of';
  }
}

/** The slowest test files of the last warm `npm test`: where the suite's time goes. */
function testTimes(bench: Bench): string {
  const report = join(bench.scratch, 'jest.json');
  if (!existsSync(report)) return '';
  const results = (JSON.parse(readFileSync(report, 'utf8')) as { testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: unknown[] }> }).testResults;
  const files = results.map((result) => ({ file: relative(REPO_ROOT, result.name), ms: result.endTime - result.startTime, tests: result.assertionResults.length })).sort((a, b) => b.ms - a.ms);
  const total = files.reduce((sum, { ms }) => sum + ms, 0);
  return [
    `Where the last warm \`npm test\` spent its time: ${files.length} test files, ${seconds(total)} in all over Jest's workers (one per core), the slowest first:`,
    '',
    '| Test file | Tests | Time | Share |',
    '| --- | --- | --- | --- |',
    ...files.slice(0, 12).map(({ file, ms, tests }) => `| ${file} | ${tests} | ${seconds(ms)} | ${Math.round((100 * ms) / total)} % |`),
  ].join('\n');
}

/** The whole of CI: `.ci/run` on a fresh clone of this commit, with ../shared beside it, as CI runs it. */
function benchCi(bench: Bench, skip: boolean): Row {
  const name = '`.ci/run` on a fresh clone (npm ci, unit, integration, drift)';
  if (skip) return { name, note: 'skipped (--skip-ci)' };
  return unlessFailed(name, '', () => {
    const clone = join(bench.scratch, 'ci', 'clone');
    mkdirSync(join(bench.scratch, 'ci'));
    symlinkSync(dirname(sharedReferenceData().crdDirectory), join(bench.scratch, 'ci', 'shared'));
    const cloned = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone], { encoding: 'utf8' });
    if (cloned.status !== 0) throw new CommandFailed({ file: 'git', args: ['clone'] }, cloned.stderr);
    const measurement = measure(bench, '.ci/run', 1, [{ file: join(clone, '.ci', 'run'), args: [], cwd: clone }]);
    return { name, measurement, note: 'one run; includes installing the packages and every test suite' };
  });
}

// --- where the time goes --------------------------------------------------------------------------

/**
 * Where a warm synthesis spends its time: one run under V8's sampling profiler (`--cpu-prof`), its
 * self time grouped by where the code comes from. The bundle scripts/run.cjs runs is one file; esbuild
 * marks the start of each module in it with a `// <path>` comment, which maps each sampled line back to
 * its package or folder of lib/.
 */
function profileWarmSynth(bench: Bench, out: string): string {
  const folder = join(bench.scratch, 'profile');
  const command = synthCommand(out);
  rmSync(join(out, STAMP_FILE), { force: true });
  runOnce(bench, { ...command, args: ['--cpu-prof', `--cpu-prof-dir=${folder}`, ...command.args] });
  const profile = JSON.parse(readFileSync(join(folder, readdirSync(folder)[0]), 'utf8')) as CpuProfile;
  const origins = new Map<string, (line: number) => string>();
  const originOf = (url: string, line: number, functionName: string): string => {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (url.includes('/validators/')) return 'compiled schema validators (running them)';
    if (url.endsWith('/main.js') && url.includes('/build/')) {
      if (!origins.has(url)) origins.set(url, bundleOrigins(url.replace(/^file:\/\//, '')));
      return origins.get(url)!(line);
    }
    return 'Node.js itself: start, loading and compiling code, the file system';
  };
  const selfTime = new Map<number, number>();
  profile.samples.forEach((node, index) => selfTime.set(node, (selfTime.get(node) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byOrigin = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const micros = selfTime.get(node.id) ?? 0;
    total += micros;
    const origin = originOf(node.callFrame.url, node.callFrame.lineNumber, node.callFrame.functionName);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + micros);
  }
  const rows = [...byOrigin].sort(([, a], [, b]) => b - a).slice(0, 12);
  return [
    `Where a warm \`npm run synth\` spends its ${seconds(total / 1000)} of CPU (one run under \`node --cpu-prof\`, self time by origin):`,
    '',
    '| Origin | Time | Share |',
    '| --- | --- | --- |',
    ...rows.map(([origin, micros]) => `| ${origin} | ${Math.round(micros / 1000)} ms | ${Math.round((100 * micros) / total)} % |`),
  ].join('\n');
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<{ readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number } }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** For a line of an esbuild bundle (0-based), the package or lib/ folder of the module it belongs to. */
function bundleOrigins(bundle: string): (line: number) => string {
  const starts: Array<{ line: number; origin: string }> = [];
  readFileSync(bundle, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const marker = /^\/\/ ((?:node_modules\/((?:@[^/]+\/)?[^/]+))|([^/]+(?:\/[^/]+)?)\/)/.exec(text);
      if (marker && /^\/\/ \S+\.(ts|js|cjs|mjs|json)$/.test(text)) starts.push({ line, origin: marker[2] ? `package ${marker[2]}` : `our ${marker[3]}` });
    });
  return (line) => {
    let low = 0;
    let high = starts.length - 1;
    let found = 'the bundle\'s own glue';
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle].line <= line) {
        found = starts[middle].origin;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  };
}

// --- the report -----------------------------------------------------------------------------------

function table(rows: readonly Row[]): string {
  const header = ['Measurement', 'Runs', 'Median', 'Min', 'Max', 'Peak RSS', 'Per environment', 'Goal', 'Met', 'Notes'];
  const lines = rows.map((row) => {
    const m = row.measurement;
    const ms = m ? median(m.wallMs) : undefined;
    const cells = m
      ? [
          String(m.wallMs.length),
          seconds(ms!),
          seconds(Math.min(...m.wallMs)),
          seconds(Math.max(...m.wallMs)),
          m.peakRssKb === undefined ? 'n/a' : `${Math.round(m.peakRssKb / 1024)} MiB`,
          row.environments ? `${Math.round(ms! / row.environments)} ms (${row.environments})` : '',
        ]
      : ['0', '–', '–', '–', '–', ''];
    return [row.name, ...cells, row.goal ?? '', row.met ?? (row.goal ? 'not measured' : ''), row.note ?? ''];
  });
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function commandOutput(file: string, args: string[]): string | undefined {
  const result = spawnSync(file, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function packageVersion(name: string): string {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function machineHeader(runs: number, loadAtStart: number): string {
  const cpu = cpus();
  const commit = commandOutput('git', ['log', '-1', '--format=%h %s']) ?? 'unknown';
  const dirty = commandOutput('git', ['status', '--porcelain', '--', '.', ':!docs/benchmarks.md']) ? ' (plus uncommitted changes)' : '';
  const kubectl = commandOutput('kubectl', ['version', '--client'])?.split('\n').join(', ') ?? 'kubectl not installed';
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (scripts/bench.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; do not edit by hand.`,
    '',
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform} ${release()}, load average ${loadAtStart.toFixed(2)} at the start and ${loadavg()[0].toFixed(2)} at the end`,
    `- Node.js ${process.version}; commit ${commit}${dirty}; \`npm run synth\` is \`${synthScript()}\``,
    `- ${kubectl}; esbuild ${packageVersion('esbuild')}`,
    `- Runs per row: ${runs}, at most ${SLOW_RUNS} for the cold, npm and preview rows`,
  ].join('\n');
}

const EXPLANATION = `
What each row includes:

- **synth** is the command of \`npm run synth\` with \`--out <temporary folder> --quiet\`: process start, loading the
  modules (scripts/run.cjs runs an esbuild bundle of the sources with V8's code cache, made again when they change),
  validating the environment configs, synthesizing, validating every object
  against the Kubernetes 1.28 / CRD schemas, rendering YAML, and bringing the output folder up to date. Unless a row
  says "empty folder", the folder holds the previous run's output, as dist/ does for \`npm run synth\`: every file is
  read and compared, none needs rewriting. "Empty folder" rows create every file.
- **warm**: the bundle of the sources and the cache of compiled schema validators (both under
  \`node_modules/.cache/co2-calculator\`) are filled by the runs before. **cold** deletes the validator cache before each
  run; **fresh clone** deletes both.
- **nothing to change** runs synth into its own previous output with the stamp that run left
  (lib/synth/input-stamp.ts): nothing it read changed, so it is skipped. Every other synth row removes the stamp
  first, so it synthesizes and validates every object. **npm run diff** compares with the committed dist/: it reads
  dist/ when the stamp of the last \`npm run synth\` there holds (run it before the bench), else synthesizes in memory.
  Both are set against a full synthesis, warm, into an empty folder.
- **kubectl kustomize** renders the same objects: each folder of synth's output, with a kustomization.yaml listing
  its files, one process per folder; the rendered YAML goes to /dev/null. It parses and re-serializes the objects;
  it does not validate them against schemas.
- **npm test** is the README's test command (type-check included) here and at the baseline commit, which is checked
  out beside into a temporary git worktree and run with this checkout's packages. "First run" finds Jest's transform
  cache as a fresh clone would for the baseline (cold); the warm rows follow it.
- **.ci/run** is CI's whole job on a fresh \`git clone\` of this commit with \`../shared\` beside it: the Debian tools when
  missing, \`npm ci\`, the unit and integration suites and the drift check.
- **Per environment** is the median divided by the number of environments rendered (the ArgoCD folder not counted).
- **Peak RSS** is GNU time's maximum resident set size: the largest single process of any run of the row.
`;

// --- main -----------------------------------------------------------------------------------------

function parseOptions(): { runs: number; skipTests: boolean; skipCi: boolean; out: string } {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      'skip-tests': { type: 'boolean', default: false },
      'skip-ci': { type: 'boolean', default: false },
      out: { type: 'string', default: join(REPO_ROOT, 'docs', 'benchmarks.md') },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not "${values.runs}"`);
  return { runs, skipTests: values['skip-tests']!, skipCi: values['skip-ci']!, out: resolve(values.out!) };
}

function hasGnuTime(scratch: string): boolean {
  const result = spawnSync(GNU_TIME, ['-f', '%M', '-o', join(scratch, 'peak-rss'), 'true']);
  if (result.status === 0) return true;
  console.error(`${GNU_TIME} (GNU time) not found: peak RSS is not measured`);
  return false;
}

function main(): number {
  let options;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'co2-bench-'));
  try {
    const bench: Bench = { scratch, gnuTime: hasGnuTime(scratch) };
    const slowRuns = Math.min(options.runs, SLOW_RUNS);
    const loadAtStart = loadavg()[0];
    const synthOut = join(scratch, 'synth');
    const diff = benchDiff(bench, options.runs);
    const synth = benchSynth(bench, options.runs, synthOut);
    const rows = [
      ...synth.rows,
      benchKustomize(bench, options.runs, synth.baseline, synthOut),
      ...benchUnchanged(synth.baseline, diff),
      ...benchPreviews(bench, slowRuns, synth.baseline, synth.warmRssKb),
      ...(options.skipTests ? [{ name: '`npm test`', note: 'skipped (--skip-tests)' }] : benchTests(bench)),
      benchCi(bench, options.skipCi),
    ];
    const profile = profileWarmSynth(bench, synthOut);
    const report = `${machineHeader(options.runs, loadAtStart)}\n\n${table(rows)}\n\n${profile}\n\n${testTimes(bench)}\n${EXPLANATION}`;
    console.log(report);
    writeFileSync(options.out, report);
    console.error(`wrote ${options.out}`);
    return rows.some((row) => row.failed) ? 1 : 0;
  } catch (error) {
    if (error instanceof CommandFailed) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = main();
