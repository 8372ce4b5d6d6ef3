/**
 * The two kinds of failure a command reports to its user, as opposed to a bug of ours.
 *
 * - `UserError`: the input is wrong (an environment field, a JSON file, a version). Exit status 1.
 * - `UsageError`: the command line is wrong (an unknown flag, a missing argument). Exit status 2.
 *
 * Either is printed as one `error: ...` line (plus context lines where useful) and never with a stack
 * trace: see lib/cli/run.ts. Anything else that escapes a command is an internal error.
 */
export class UserError extends Error {
  /** The process exit status for this failure. */
  readonly exitCode: number = 1;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends UserError {
  override readonly exitCode: number = 2;
}

/** Node's `code` of a system error (ENOENT, EACCES...), if it is one. */
export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const SYSTEM_ERROR_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a path component is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  ENOTEMPTY: 'folder not empty',
  EBUSY: 'resource busy',
  EXDEV: 'on another file system',
};

/** A system error in words, for one-line messages: "permission denied" rather than "EACCES: ...". */
export function describeSystemError(error: unknown): string {
  const code = systemErrorCode(error);
  if (code && SYSTEM_ERROR_WORDS[code]) return SYSTEM_ERROR_WORDS[code];
  return (error as Error)?.message ?? String(error);
}
