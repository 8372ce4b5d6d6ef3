/**
 * What promote, rollback and where read from git: files at a commit, the commits that changed a
 * file, and commit messages. Read-only; every failure is one UserError line naming the command.
 */
import { spawnSync } from 'node:child_process';
import { UserError } from '../core/errors';
import type { HistoryCommit } from '../delivery/promote';

/** git failed, or the repository cannot answer (not a repository, a shallow clone, an unknown commit). */
export class GitHistoryError extends UserError {}

function git(repoRoot: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('git', ['-c', 'core.quotepath=off', ...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  if (result.error) throw new GitHistoryError(`git ${args[0]}: cannot run git: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The repository's history, checked usable: a work tree of a git repository that is not shallow. */
export function checkHistory(repoRoot: string, purpose: string): void {
  const inside = git(repoRoot, ['rev-parse', '--is-inside-work-tree', '--is-shallow-repository']);
  if (inside.status !== 0) throw new GitHistoryError(`${repoRoot}: not a git repository; ${purpose} reads the history of environments/images/`);
  if (inside.stdout.split('\n')[1] === 'true') throw new GitHistoryError(`${repoRoot}: the clone is shallow, so its history is incomplete; ${purpose} needs it: git fetch --unshallow`);
}

/** A revision as a full commit SHA, or a GitHistoryError naming the flag it came from. */
export function resolveCommit(repoRoot: string, revision: string, flag: string): string {
  if (revision.startsWith('-')) throw new GitHistoryError(`${flag} ${revision}: is no commit`);
  const result = git(repoRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]);
  if (result.status !== 0) throw new GitHistoryError(`${flag} ${revision}: no such commit in this repository (git rev-parse)`);
  return result.stdout.trim();
}

/** A file's text at a commit, or undefined when the commit has no such file. */
export function fileAt(repoRoot: string, commit: string, path: string): string | undefined {
  const result = git(repoRoot, ['cat-file', 'blob', `${commit}:${path}`]);
  return result.status === 0 ? result.stdout : undefined;
}

/** The files of a folder at a commit (names only). */
export function filesAt(repoRoot: string, commit: string, folder: string): string[] {
  const result = git(repoRoot, ['ls-tree', '--name-only', `${commit}:${folder}`]);
  if (result.status !== 0) return [];
  return result.stdout.split('\n').filter((name) => name !== '');
}

/** The commits of `revision` that changed `path`, newest first, with their messages. */
export function commitsChanging(repoRoot: string, revision: string, path: string): HistoryCommit[] {
  return log(repoRoot, [revision, '--', path]);
}

/**
 * The history release versions are read from, newest first: HEAD's, then the commits of the
 * workflow's pull-request branches (update-manifest/*, local or fetched) that HEAD lacks, marked
 * unmerged: a rebuilt release's pull request may stay open, and it still names its commit.
 */
export function releaseHistory(repoRoot: string): HistoryCommit[] {
  const branches = ['--glob=refs/heads/update-manifest/*', '--glob=refs/remotes/*/update-manifest/*'];
  return [...log(repoRoot, ['HEAD']), ...log(repoRoot, [...branches, '--not', 'HEAD']).map((commit) => ({ ...commit, unmerged: true }))];
}

function log(repoRoot: string, args: readonly string[]): HistoryCommit[] {
  const result = git(repoRoot, ['log', '--format=%H%x00%B%x1e', ...args]);
  if (result.status !== 0) throw new GitHistoryError(`git log: ${result.stderr.split('\n')[0] || `exit ${result.status}`}`);
  return result.stdout
    .split('\x1e')
    .map((entry) => entry.replace(/^\n/, ''))
    .filter((entry) => entry.includes('\x00'))
    .map((entry) => {
      const [sha, message] = entry.split('\x00');
      return { sha, message: message.replace(/\n+$/, '\n') };
    });
}

/** Whether the work tree's copy of `path` differs from HEAD's (uncommitted edits the command would overwrite or ignore). */
export function hasUncommittedChanges(repoRoot: string, path: string): boolean {
  const result = git(repoRoot, ['status', '--porcelain', '--', path]);
  if (result.status !== 0) throw new GitHistoryError(`git status: ${result.stderr.split('\n')[0] || `exit ${result.status}`}`);
  return result.stdout.trim() !== '';
}
