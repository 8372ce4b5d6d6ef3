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
  ELOOP: 'too many symbolic links (a link that points back at itself?)',
};

/** A system error in words, for one-line messages: "permission denied" rather than "EACCES: ...". */
export function describeSystemError(error: unknown): string {
  const code = systemErrorCode(error);
  if (code && SYSTEM_ERROR_WORDS[code]) return SYSTEM_ERROR_WORDS[code];
  return (error as Error)?.message ?? String(error);
}

/** Longest error line printed: an input quoted in a message (a pasted file, a huge flag) is cut short. */
const MAX_LINE = 1000;

/**
 * A message as it may be printed on a terminal: control characters (newline, ESC, BEL, NUL, C1) and
 * bidirectional overrides (U+202A-202E, U+2066-2069), which an input could use to fake or hide output,
 * are written as escapes, and the line is cut at MAX_LINE characters.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (char) => {
    const code = char.charCodeAt(0);
    return code === 0x0a ? '\\n' : code === 0x09 ? '\\t' : code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return escaped.length > MAX_LINE ? `${escaped.slice(0, MAX_LINE)}... (${escaped.length - MAX_LINE} more characters)` : escaped;
}
