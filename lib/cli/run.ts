/**
 * How every command of this repository ends: exit status 0 on success, and otherwise one `error:` line
 * (with context lines where useful) instead of a JavaScript stack trace.
 *
 *   exit 1   bad input (UserError): an environment field, a JSON file, a version, an output folder
 *   exit 2   bad usage (UsageError): an unknown flag, a missing argument
 *   exit 70  a bug of ours (EX_SOFTWARE of sysexits.h): a short message, and how to see the trace
 *
 * CO2_DEBUG=1 prints the stack trace of any failure.
 */
import { describeSystemError, printable, systemErrorCode, UsageError, UserError } from '../core/errors';
import { REPO_ROOT } from '../core/repo-root';
import { environmentTypeError } from './type-check.cjs';

export const INTERNAL_ERROR_EXIT_CODE = 70;
export const DEBUG_VARIABLE = 'CO2_DEBUG';

/**
 * The exit status and the lines to print on stderr for a failure. Given the repository, an error of
 * ours is first checked for a type error in its environments/*.ts, which is then the one line (exit 1).
 */
export function describeFailure(error: unknown, env: NodeJS.ProcessEnv = process.env, repoRoot?: string): { exitCode: number; lines: string[] } {
  const debug = env[DEBUG_VARIABLE] === '1';
  const trace = debug && error instanceof Error && error.stack ? [error.stack] : [];
  if (error instanceof UserError) {
    // A usage error's last line is the usage text, ours; everything else may quote input.
    const [message, usage] = error instanceof UsageError && error.message.includes('\n') ? [error.message.slice(0, error.message.lastIndexOf('\n')), error.message.slice(error.message.lastIndexOf('\n') + 1)] : [error.message, undefined];
    return { exitCode: error.exitCode, lines: [`error: ${printable(message)}`, ...(usage === undefined ? [] : [usage]), ...trace] };
  }
  const typeError = repoRoot === undefined ? undefined : environmentTypeError(repoRoot);
  if (typeError !== undefined) return { exitCode: 1, lines: [`error: ${printable(typeError)}`, ...trace] };
  const message = printable(error instanceof Error ? error.message : String(error));
  return {
    exitCode: INTERNAL_ERROR_EXIT_CODE,
    lines: [
      `error: internal error: ${message.split('\n')[0]}`,
      ...(debug ? trace : [`hint: this is a bug of the tool, not a problem with your input; rerun with ${DEBUG_VARIABLE}=1 to see where it happened`]),
    ],
  };
}

/**
 * A reader that went away (`| head -1`) or a full device under a redirected stdout loses the rest of
 * what we print, not the work: the files are written, so the exit status stays what the work says, and
 * no unhandled 'error' event turns it into a stack trace.
 */
function toleratePrintFailures(): void {
  let told = false;
  process.stdout.on('error', (error) => {
    if (systemErrorCode(error) === 'EPIPE' || told) return;
    told = true;
    process.stderr.write(`note: standard output could not be written (${describeSystemError(error)}); the command's work is not affected\n`);
  });
  process.stderr.on('error', () => {});
}

/** Runs a command's main function and sets the exit status, printing a failure as described above. */
export function runCli(main: () => number | void): void {
  toleratePrintFailures();
  try {
    process.exitCode = main() ?? 0;
  } catch (error) {
    const { exitCode, lines } = describeFailure(error, process.env, REPO_ROOT);
    for (const line of lines) console.error(line);
    process.exitCode = exitCode;
  }
}
