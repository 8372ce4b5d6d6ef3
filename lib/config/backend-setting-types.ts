/**
 * The types (and lower bounds) the application's settings class declares for the non-string
 * settings, so that a value pydantic would refuse at start-up (the pod crash-looping) is refused here.
 * From EPFL-ENAC/co2-calculator v1.0.7 (a7cd6ec6), backend/app/core/config.py: the line of each
 * declaration follows its type.
 */
type SettingType = 'int' | 'float' | 'bool';

const TYPES: Readonly<Record<string, readonly [SettingType, number, { ge?: number; gt?: number }?]>> = {
  PORT: ['int', 21], WORKERS: ['int', 22], DEBUG: ['bool', 31], LOCAL_ENVIRONMENT: ['bool', 32], FILES_MAX_SIZE_MB: ['int', 106],
  OPA_TIMEOUT: ['float', 121], OPA_ENABLED: ['bool', 122], HOURS_PER_WEEK: ['int', 128], WEEKS_PER_YEAR: ['int', 132],
  CO2_PER_KM_KG: ['float', 138, { gt: 0 }], LOKI_ENABLED: ['bool', 145], LOKI_TIMEOUT: ['float', 148], TABLEAU_MAX_FIELDS: ['int', 164],
  COOKIE_SECURE: ['bool', 249], ACCESS_TOKEN_EXPIRE_MINUTES: ['int', 264], REFRESH_TOKEN_EXPIRE_HOURS: ['int', 265],
  ELASTICSEARCH_TIMEOUT: ['int', 309], ELASTICSEARCH_MAX_RETRIES: ['int', 312], ELASTICSEARCH_RETRY_ON_TIMEOUT: ['bool', 315],
  STALE_JOB_TIMEOUT_MINUTES: ['int', 336], RUN_BACKGROUND_POLLER: ['bool', 350], POLLER_INTERVAL_SECONDS: ['int', 354, { ge: 1 }],
  POLLER_BATCH_LIMIT: ['int', 366, { ge: 1 }], INGEST_COPY_BATCH_SIZE: ['int', 376, { ge: 1 }], RUN_PIPELINE_RECONCILER: ['bool', 389],
  PIPELINE_RECONCILER_INTERVAL_SECONDS: ['int', 402, { ge: 10 }], RUN_POD_HEARTBEAT: ['bool', 415], POD_HEARTBEAT_INTERVAL_SECONDS: ['int', 428, { ge: 5 }],
};

/** What pydantic (v2, lax mode, as settings are read from the environment) accepts for each type. */
const ACCEPTED: Record<SettingType, RegExp> = {
  int: /^[+-]?\d+$/,
  float: /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/,
  bool: /^(?:0|1|off|on|f|t|false|true|n|y|no|yes)$/i,
};
const DESCRIBED: Record<SettingType, string> = { int: 'a whole number', float: 'a number', bool: 'a boolean (true or false)' };

/** Why the application would refuse `value` for setting `name`, if it would. */
export function backendSettingTypeProblem(name: string, value: string): string | undefined {
  const declared = TYPES[name];
  if (!declared) return undefined;
  const [type, line, bounds = {}] = declared;
  const where = `backend/app/core/config.py:${line}`;
  if (!ACCEPTED[type].test(value)) return `${JSON.stringify(value)} is not ${DESCRIBED[type]}, which the application declares for ${name} (${where})`;
  if (bounds.ge !== undefined && Number(value) < bounds.ge) return `${value} is below ${bounds.ge}, the least the application accepts (${where})`;
  if (bounds.gt !== undefined && Number(value) <= bounds.gt) return `${value} must be more than ${bounds.gt} (${where})`;
  return undefined;
}
