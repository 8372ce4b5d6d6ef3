/**
 * Each command's command line, described once: what `--help` prints, what the parser accepts, and
 * the hints a mistake gets ("did you mean --env?", the `--` that npm needs before flags).
 */
import { parseArgs } from 'node:util';
import { systemErrorCode, UsageError } from '../core/errors';
import { nearest } from '../core/suggest';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in the help: `<dir>`. Only for string flags. */
  readonly value?: string;
  /** One line for the help. */
  readonly description: string;
}

export interface CommandSpec {
  /** The npm script: `set-image` for `npm run set-image`. */
  readonly name: string;
  /** One sentence: what the command does. */
  readonly purpose: string;
  /** The usage line, as printed after a bad command line. */
  readonly usage: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Positional arguments, when the command takes any: their placeholder and description. */
  readonly positionals?: { readonly value: string; readonly description: string };
  /** Command lines, each with what it does: `[command, comment]`. The first is the hint's. */
  readonly examples: readonly (readonly [string, string])[];
  /** Further lines of the help: exit status, where to read more. */
  readonly notes?: readonly string[];
}

export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/** The help a command prints for `--help` and `-h`. */
export function helpText(spec: CommandSpec): string {
  const flags: [string, string][] = Object.entries(spec.flags).map(([name, flag]) => [`--${name}${flag.type === 'string' ? ` ${flag.value ?? '<value>'}` : ''}`, flag.description]);
  if (spec.positionals) flags.unshift([spec.positionals.value, spec.positionals.description]);
  flags.push(['-h, --help', 'print this help and exit']);
  const width = Math.max(...flags.map(([left]) => left.length));
  return [
    `npm run ${spec.name}: ${spec.purpose}`,
    '',
    spec.usage,
    '',
    'arguments:',
    ...flags.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    '',
    'examples:',
    ...spec.examples.flatMap(([command, comment]) => [`  ${command}`, `      ${comment}`]),
    ...(spec.notes && spec.notes.length > 0 ? ['', ...spec.notes] : []),
  ].join('\n');
}

/**
 * Flags npm kept for itself: `npm run set-image --env dev` hands `dev` to the command and keeps
 * `--env` as its own setting, exported as `npm_config_env` (npm's run-script sets npm_config_* for
 * every setting given). Only under this command's own npm script (npm_lifecycle_event), so the
 * variables of an outer `npm test` are not taken for a mistake.
 */
export function swallowedFlags(spec: CommandSpec, args: readonly string[], env: NodeJS.ProcessEnv): string[] {
  if (env.npm_lifecycle_event !== spec.name) return [];
  const given = new Set(flagTokens(args).map(({ name }) => name));
  return Object.keys(spec.flags).filter((name) => !given.has(name) && env[`npm_config_${name.replace(/-/g, '_')}`] !== undefined);
}

/**
 * The command line that was meant, rebuilt from what npm left: a flag npm knows takes its value
 * along (npm_config_tag=v1.0.8); one it does not know is `true`, and its value was passed on as an
 * argument, taken here in the order of the command's flags.
 */
function intendedCommand(spec: CommandSpec, swallowed: readonly string[], args: readonly string[], env: NodeJS.ProcessEnv): string {
  const rest = [...args];
  const words: string[] = [];
  for (const name of Object.keys(spec.flags).filter((flag) => swallowed.includes(flag))) {
    const value = env[`npm_config_${name.replace(/-/g, '_')}`];
    words.push(`--${name}`);
    if (spec.flags[name].type === 'string') words.push(value !== 'true' ? value! : (rest.shift() ?? spec.flags[name].value ?? '<value>'));
  }
  const quote = (word: string) => (/^[\w@%+=:,./<>-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  return `npm run ${spec.name} -- ${[...words, ...rest].map(quote).join(' ')}`;
}

/** The `--name[=value]` tokens before a `--`. */
function flagTokens(args: readonly string[]): { name: string; arg: string }[] {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).filter((arg) => arg.startsWith('--') && arg.length > 2).map((arg) => ({ name: arg.slice(2).split('=')[0], arg }));
}

/**
 * Parses `args` by `spec`; `undefined` when the help was asked for, which `print` has then been
 * given. A bad command line is a UsageError whose last line is the usage or a hint.
 */
export function parseCommand(spec: CommandSpec, args: readonly string[], env: NodeJS.ProcessEnv, print: (text: string) => void): ParsedCommandLine | undefined {
  const end = args.indexOf('--');
  const flagArgs = end < 0 ? args : args.slice(0, end);
  if (flagArgs.includes('--help') || flagArgs.includes('-h')) {
    print(helpText(spec));
    return undefined;
  }
  const swallowed = swallowedFlags(spec, args, env);
  if (swallowed.length > 0) {
    const names = swallowed.map((name) => `--${name}`).join(', ');
    throw new UsageError(`npm took ${names} for itself, so the command did not get ${swallowed.length > 1 ? 'them' : 'it'}\nhint: put -- before the flags: ${intendedCommand(spec, swallowed, args, env)}`);
  }
  for (const { name } of flagTokens(args)) {
    if (Object.hasOwn(spec.flags, name)) continue;
    const near = nearest(name, Object.keys(spec.flags));
    throw new UsageError(`Unknown option '--${name}'${near === undefined ? '' : `; did you mean --${near}?`}\n${spec.usage}`);
  }
  const options = Object.fromEntries(Object.entries(spec.flags).map(([name, flag]) => [name, { type: flag.type }]));
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: spec.positionals !== undefined, strict: true, tokens: true });
  } catch (error) {
    if (systemErrorCode(error)?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(`${(error as Error).message}\n${spec.usage}`);
    throw error;
  }
  // parseArgs keeps the last of a repeated flag: `--env dev --env prod` would silently act on prod.
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once; give it once\n${spec.usage}`);
    seen.add(token.name);
  }
  return { values: parsed.values as ParsedCommandLine['values'], positionals: parsed.positionals };
}

/** The value of a string flag. */
export const stringFlag = (parsed: ParsedCommandLine, name: string): string | undefined => {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
};

/** Whether a boolean flag was given. */
export const booleanFlag = (parsed: ParsedCommandLine, name: string): boolean => parsed.values[name] === true;
