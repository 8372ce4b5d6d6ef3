/**
 * What a command runs against: the repository, its project, its environment variables, its output
 * streams and arguments. The entry points (main.ts, scripts/*.ts) pass the real ones; the bad-input
 * tests pass a copy of the repository and capture what the command prints.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../core/repo-root';
import { ProjectFiles } from '../config/project-files';
import type { ProjectConfig } from '../synth';
import { describeFailure } from './run';

export interface CommandContext {
  /** The repository whose environments/ and dist/ the command reads and writes. */
  readonly repoRoot: string;
  /** The project, read from the given files (environments/index.ts: loadProject). */
  readonly loadProject: (files: ProjectFiles, options?: { readonly previewEntries?: unknown }) => ProjectConfig;
  /** The command line after the command's name. */
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** A command: runs, prints, and returns its exit status; bad input and usage are thrown (lib/cli/run.ts). */
export type Command = (context: CommandContext) => number;

export function processContext(loadProject: CommandContext['loadProject']): CommandContext {
  return {
    repoRoot: REPO_ROOT,
    loadProject,
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
  };
}

/** The write lock of a repository (lib/cli/lock.ts): beside its compiled copy and validator cache. */
export const lockFileOf = (repoRoot: string) => join(repoRoot, 'node_modules', '.cache', 'co2-calculator', 'write.lock');

/** Runs a command as its process would, returning what it printed and its exit status instead of exiting. */
export function runCommand(command: Command, context: Omit<CommandContext, 'stdout' | 'stderr'>): { exitCode: number; stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  try {
    const exitCode = command({ ...context, stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
    return { exitCode, stdout, stderr };
  } catch (error) {
    const { exitCode, lines } = describeFailure(error, context.env, context.repoRoot);
    return { exitCode, stdout, stderr: [...stderr, ...lines] };
  }
}
