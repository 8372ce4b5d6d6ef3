/**
 * CronJob schedules and time zones, checked the way the cluster will check them, so that a value the
 * API server or the CronJob controller would refuse fails at synthesis, naming the environment and field.
 *
 * Kubernetes validates `spec.schedule` with robfig/cron v3's `ParseStandard` (five fields, or a
 * descriptor such as `@daily`) and `spec.timeZone` with Go's time.LoadLocation (IANA names). The rules
 * below are robfig/cron v3.0.1's (bc59245): field bounds in spec.go:22-48 (minutes 0-59, hours 0-23, day
 * of month 1-31, month 1-12 or JAN-DEC, day of week 0-6 or SUN-SAT: 7 is refused), ranges and steps in
 * parser.go:252-312 (`a-b/n`, `*`, `?`, a step of 0 refused, a backwards range refused), descriptors in
 * parser.go:365-430, and `TZ=`/`CRON_TZ=` prefixes, which the CronJob API refuses in favour of timeZone.
 */

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

function valueOf(field: CronField, text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + field.min : undefined;
}

/** What is wrong with one field, or undefined. */
function fieldProblem(field: CronField, text: string): string | undefined {
  for (const part of text.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === '') return `${field.name} "${text}" is not a cron field`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `${field.name} "${text}": the step after "/" must be a positive number`;
    if (range === '*' || range === '?') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `${field.name} "${text}" is not a cron field`;
    const values = bounds.map((bound) => valueOf(field, bound));
    if (values.some((value) => value === undefined)) return `${field.name} "${text}" is not a cron field`;
    for (const value of values as number[]) {
      if (value < field.min || value > field.max) return `${field.name} ${value} is out of range (${field.min}-${field.max})`;
    }
    if (values.length === 2 && values[0]! > values[1]!) return `${field.name} "${range}": the range goes backwards`;
  }
  return undefined;
}

/** Why the CronJob controller would refuse this schedule, or undefined when it is valid. */
export function cronScheduleProblem(schedule: string): string | undefined {
  const trimmed = schedule.trim();
  if (/^(?:CRON_)?TZ=/.test(trimmed)) return 'must not carry a time zone: set timeZone instead';
  if (/^@every\s+(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(trimmed)) return undefined;
  if (trimmed.startsWith('@')) return MACROS.has(trimmed) ? undefined : `"${trimmed}" is not one of ${[...MACROS].join(', ')} or @every <duration>`;
  const parts = trimmed.split(/\s+/);
  if (parts.length !== FIELDS.length) return `must be a five-field cron schedule such as "30 2 * * *" (minute hour day-of-month month day-of-week), got ${parts.length} field(s)`;
  for (const [index, field] of FIELDS.entries()) {
    const problem = fieldProblem(field, parts[index]);
    if (problem) return problem;
  }
  return undefined;
}

/** Whether the name is an IANA time zone (Node's ICU knows the same database as Go's tzdata). */
export function isTimeZone(name: string): boolean {
  try {
    // Intl ignores case; Go's time.LoadLocation, which the CronJob controller uses, does not.
    const resolved = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    const exact = resolved === name || Intl.supportedValuesOf('timeZone').includes(name) || resolved.toLowerCase() !== name.toLowerCase();
    return exact && !/^[+-]|^\d/.test(name);
  } catch {
    return false;
  }
}
