import { z } from 'zod';
import { ConfigError } from './errors.js';
import { hasHashTag, maskRedisPasswords, REDIS_MODES } from './redis-url.js';

/**
 * How one environment variable is read: the values it allows, as an error message names them, the
 * parser of its trimmed text, and the value when it is unset or blank.
 */
interface Setting<T> {
  allowed: string;
  parse: z.ZodType<T, string>;
  fallback: T;
}

function wholeNumber(min: number, max: number, fallback: number): Setting<number> {
  return {
    allowed: `a whole number from ${min} to ${max}`,
    parse: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(min).max(max)),
    fallback,
  };
}

/** A whole number within a range, or none when unset: a limit that applies only when one is given. */
function optionalWholeNumber(min: number, max: number): Setting<number | null> {
  const { parse } = wholeNumber(min, max, min);
  return { allowed: `a whole number from ${min} to ${max} (or unset: no limit)`, parse, fallback: null };
}

function oneOf<const T extends string>(values: readonly T[], fallback: T): Setting<T>;
function oneOf<const T extends string>(values: readonly T[], fallback: null): Setting<T | null>;
function oneOf<const T extends string>(values: readonly T[], fallback: T | null): Setting<T | null> {
  return {
    allowed: values.join(values.length > 2 ? ', ' : ' or ') + (fallback === null ? ' (or unset)' : ''),
    parse: z.enum(values),
    fallback,
  };
}

function text(fallback: string): Setting<string>;
function text(): Setting<string | null>;
function text(fallback: string | null = null): Setting<string | null> {
  return { allowed: 'any text', parse: z.string(), fallback };
}

const trueOrFalse = (fallback: boolean): Setting<boolean> => ({
  allowed: 'true or false',
  parse: z.enum(['true', 'false']).transform((value) => value === 'true'),
  fallback,
});

function hasProtocol(protocols: readonly string[]) {
  return (value: string) => URL.canParse(value) && protocols.includes(new URL(value).protocol);
}

/** Newlines, terminal escapes and every other control character: what could forge a line of an audit. */
export const CONTROL_CHARACTERS = /\p{Cc}/u;

/** Text for an audit field: no control characters; none when unset. */
function auditText(): Setting<string | null> {
  return {
    allowed: 'text without control characters (no newline, tab or terminal escape)',
    parse: z.string().refine((value) => !CONTROL_CHARACTERS.test(value)),
    fallback: null,
  };
}

/** One http:// or https:// URL; none when unset. */
function httpUrl(example: string): Setting<string | null> {
  return {
    allowed: `an http:// or https:// URL such as ${example}`,
    parse: z.string().refine(hasProtocol(['http:', 'https:'])),
    fallback: null,
  };
}

/** Comma-separated http:// or https:// URLs (blanks between commas ignored); none when unset. */
function urlList(): Setting<string[]> {
  return {
    allowed: 'comma-separated http:// or https:// URLs',
    parse: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((url) => url.trim())
          .filter((url) => url !== ''),
      )
      .pipe(z.array(z.string().refine(hasProtocol(['http:', 'https:'])))),
    fallback: [],
  };
}

/** One URL, or in sentinel and cluster mode a comma-separated list: each item is checked. */
const isRedisUrlList = (value: string) => value.split(',').every((item) => hasProtocol(['redis:', 'rediss:'])(item.trim()));

/**
 * `off`, or comma-separated `quota=requests per second` (`lambda=15,logs.FilterLogEvents=5`): a
 * quota is an IAM service prefix (all its APIs together) or `prefix.Command` (one API). Blank: none
 * given here, the product's defaults apply.
 */
function rateList(): Setting<Record<string, number> | 'off'> {
  const entry = /^([a-z0-9-]+(?:\.[A-Za-z0-9]+)?)=(\d+(?:\.\d+)?)$/;
  return {
    allowed: 'off, or comma-separated quota=requests-per-second such as lambda=15,logs.FilterLogEvents=5 (rates above 0)',
    parse: z.string().transform((value, context) => {
      if (value === 'off') return 'off' as const;
      const rates: Record<string, number> = {};
      for (const part of value
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '')) {
        const [, quota, rate] = part.match(entry) ?? [];
        if (quota === undefined || !(Number(rate) > 0)) {
          context.addIssue({ code: 'custom', message: part });
          return z.NEVER;
        }
        rates[quota] = Number(rate);
      }
      return rates;
    }),
    fallback: {},
  };
}

/** A share: a decimal above 0 and at most 1. */
function share(fallback: number): Setting<number> {
  return {
    allowed: 'a decimal above 0 and at most 1, such as 0.8',
    parse: z
      .string()
      .regex(/^\d*\.?\d+$/)
      .transform(Number)
      .pipe(z.number().gt(0).max(1)),
    fallback,
  };
}

/** Where AWS calls go when nothing else names a region: the SDK's own default. */
export const DEFAULT_AWS_REGION = 'us-east-1';
/** The port Prometheus' own exporters leave for application exporters. */
export const DEFAULT_METRICS_PORT = 9464;
export const PERCENTAGE = { min: 0, max: 100 } as const;
/** BullMQ keeps each queue in one cluster slot only when every key shares a `{hash tag}`. */
export const CLUSTER_QUEUE_PREFIX = '{promptrca}';
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/**
 * Every environment variable the product reads, in one place. By contract, an invalid value stops the
 * process at start with a message naming the variable, the value and what is allowed, never a
 * silent fallback.
 */
const SETTINGS = {
  REDIS_URL: {
    allowed: 'a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (in sentinel and cluster mode, a comma-separated list of them)',
    parse: z.string().refine(isRedisUrlList),
    fallback: 'redis://127.0.0.1:6379',
  } satisfies Setting<string>,
  PROMPTRCA_REDIS_MODE: oneOf(REDIS_MODES, 'standalone'),
  PROMPTRCA_REDIS_SENTINEL_NAME: text(),
  // Off by default: a password sent to a sentinel that has none draws a warning, and an ACL user it
  // does not know is refused.
  PROMPTRCA_REDIS_SENTINEL_AUTH: trueOrFalse(false),
  // In cluster mode the default is CLUSTER_QUEUE_PREFIX (see loadConfig).
  PROMPTRCA_QUEUE_PREFIX: text('bull'),
  PROMPTRCA_USE_DIRECT_ORCHESTRATION: trueOrFalse(false),
  PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: wholeNumber(PERCENTAGE.min, PERCENTAGE.max, 100),
  PROMPTRCA_FORCE_ORCHESTRATOR: oneOf(['direct', 'agent_tools'], null),
  PROMPTRCA_SHADOW_PERCENTAGE: wholeNumber(PERCENTAGE.min, PERCENTAGE.max, 0),
  PROMPTRCA_DEDUPE_TTL_SECONDS: wholeNumber(1, 30 * 86_400, 86_400),
  PROMPTRCA_JOB_ATTEMPTS: wholeNumber(1, 20, 3),
  PROMPTRCA_JOB_BACKOFF_SECONDS: wholeNumber(0, 3_600, 10),
  PROMPTRCA_WORKER_CONCURRENCY: wholeNumber(1, 1_000, 10),
  PROMPTRCA_SHUTDOWN_GRACE_SECONDS: wholeNumber(0, 3_600, 30),
  PROMPTRCA_LOCK_DURATION_MS: wholeNumber(1_000, 600_000, 30_000),
  PROMPTRCA_METRICS_PORT: wholeNumber(0, 65_535, DEFAULT_METRICS_PORT),
  // Every interface, so that Prometheus and probes reach it inside a container.
  PROMPTRCA_METRICS_HOST: text('127.0.0.1'),
  PROMPTRCA_OPERATOR: auditText(),
  PROMPTRCA_AWS_REPLAY: text(),
  OPENAI_API_KEY: text(),
  OPENAI_BASE_URL: httpUrl('http://127.0.0.1:8000/v1'),
  PROMPTRCA_MODEL: text('gpt-4o-mini'),
  // Unset: no budget of the fleet's own. Endpoints' limits differ by account, tier and model, so there
  // is no documented default to take a share of (as there is for AWS); 429s are honoured either way.
  PROMPTRCA_LLM_RPM: optionalWholeNumber(1, 10_000_000),
  PROMPTRCA_LLM_TPM: optionalWholeNumber(1, 10_000_000_000),
  AWS_REGION: text(DEFAULT_AWS_REGION),
  AWS_ENDPOINT_URL: text(),
  AWS_ACCOUNT_ID: text(),
  AWS_ENDPOINT_URL_SQS: text(),
  PROMPTRCA_AWS_RATE_LIMITS: rateList(),
  // The rest of each quota is left to the account's other users (deploy pipelines, dashboards, consoles).
  PROMPTRCA_AWS_RATE_SHARE: share(0.8),
  PROMPTRCA_AWS_SHARED_FACTS: trueOrFalse(true),
  PROMPTRCA_AWS_FACTS_TTL_SECONDS: wholeNumber(1, 3_600, 60),
  PROMPTRCA_FACT_RETRY_SECONDS: wholeNumber(0, 600, 30),
  PROMPTRCA_RELATED_WINDOW_MINUTES: wholeNumber(1, 1_440, 30),
  PROMPTRCA_RESULTS_MAX_AGE_HOURS: wholeNumber(1, 87_600, 168),
  PROMPTRCA_RESULTS_MAX_COUNT: wholeNumber(1, 100_000_000, 100_000),
  PROMPTRCA_NOTIFY_WEBHOOK_URLS: urlList(),
  PROMPTRCA_NOTIFY_SLACK_WEBHOOK_URLS: urlList(),
  // mute: of an incident's reports, only the first of each conclusion goes to each sink; send: all.
  PROMPTRCA_NOTIFY_REPEATS: oneOf(['mute', 'send'], 'mute'),
  LOG_LEVEL: oneOf(LOG_LEVELS, null),
  PROMPTRCA_LOG_FILE: text(),
};

type Settings = typeof SETTINGS;
export type SettingName = keyof Settings;
/** Every variable the product reads, for checks that a deployment passes them all through. */
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The environment as the product reads it: each variable parsed, defaults filled in. */
export type Config = { readonly [Name in SettingName]: Settings[Name]['fallback'] } & {
  /** The variables set to a non-blank value, so that `rollout status` can say "env" or "default". */
  readonly given: ReadonlySet<SettingName>;
};

const blank = (value: string | undefined) => value === undefined || value.trim() === '';

function settingSchema<T>({ parse, fallback }: Setting<T>) {
  return z
    .preprocess((value: unknown) => (typeof value === 'string' && !blank(value) ? value.trim() : undefined), parse.optional())
    .transform((value) => value ?? fallback);
}

const ENVIRONMENT = z.object(
  Object.fromEntries(Object.entries(SETTINGS).map(([name, setting]) => [name, settingSchema(setting as Setting<unknown>)])) as unknown as {
    [Name in SettingName]: z.ZodType<Settings[Name]['fallback']>;
  },
);

/**
 * Reads and checks every variable of SETTINGS at once; throws ConfigError for the first invalid one,
 * naming it, its value and what it allows.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const result = ENVIRONMENT.safeParse(env);
  if (!result.success) {
    const name = String(result.error.issues[0]?.path[0]) as SettingName;
    throw new ConfigError(name, shown(name, env[name] ?? ''), SETTINGS[name].allowed);
  }
  const given = new Set(SETTING_NAMES.filter((name) => !blank(env[name])));
  return checkRedisMode(checkRedisUrlParts({ ...result.data, given }));
}

/**
 * One variable by its rule, for what must know it before the environment is checked as a whole
 * (the logger, made when its module loads); throws ConfigError naming it when invalid. The checks
 * across variables (REDIS_URL by PROMPTRCA_REDIS_MODE) are loadConfig's only.
 */
export function readSetting<Name extends SettingName>(name: Name, env: NodeJS.ProcessEnv): Config[Name] {
  const result = settingSchema(SETTINGS[name] as Setting<Config[Name]>).safeParse(env[name]);
  if (!result.success) throw new ConfigError(name, shown(name, env[name] ?? ''), SETTINGS[name].allowed);
  return result.data;
}

/** A value as an error message may print it: the passwords of every URL variable masked, valid or not. */
function shown(name: SettingName, value: string): string {
  return /_URLS?$/.test(name) ? maskRedisPasswords(value) : value;
}

/**
 * REDIS_URL gives credentials in its authority only: connections take the user, password, host, port
 * and database of each URL, so a `?password=…` would be silently ignored (and printed where a URL is).
 */
function checkRedisUrlParts(config: Config): Config {
  if (config.REDIS_URL.split(',').some((item) => /[?#]/.test(item.trim()))) {
    throw new ConfigError(
      'REDIS_URL',
      shown('REDIS_URL', config.REDIS_URL),
      'no ?query or #fragment: give the user and password before the host (redis://user:password@host:6379, ' +
        'or redis://:password@host:6379 with no user) and the database as the path (/0)',
    );
  }
  return config;
}

/**
 * What REDIS_URL and the queue prefix must be in each PROMPTRCA_REDIS_MODE: one URL unless it lists
 * sentinels or cluster seeds, a master name for sentinels, and on a cluster a prefix with a hash tag
 * (defaulting to CLUSTER_QUEUE_PREFIX), since BullMQ's scripts touch several keys of a queue at once.
 */
function checkRedisMode(config: Config): Config {
  const mode = config.PROMPTRCA_REDIS_MODE;
  const urls = config.REDIS_URL.split(',');
  if (mode === 'standalone' && urls.length > 1) {
    throw new ConfigError(
      'REDIS_URL',
      shown('REDIS_URL', config.REDIS_URL),
      'one URL in standalone mode; set PROMPTRCA_REDIS_MODE=sentinel or cluster for a list',
    );
  }
  if (mode === 'sentinel' && config.PROMPTRCA_REDIS_SENTINEL_NAME === null) {
    throw new ConfigError('PROMPTRCA_REDIS_SENTINEL_NAME', '', 'the name of the master the sentinels watch (required in sentinel mode)');
  }
  if (mode !== 'cluster') return config;
  if (!config.given.has('PROMPTRCA_QUEUE_PREFIX')) return { ...config, PROMPTRCA_QUEUE_PREFIX: CLUSTER_QUEUE_PREFIX };
  if (!hasHashTag(config.PROMPTRCA_QUEUE_PREFIX)) {
    throw new ConfigError(
      'PROMPTRCA_QUEUE_PREFIX',
      config.PROMPTRCA_QUEUE_PREFIX,
      `a prefix with a {hash tag} in cluster mode, such as ${CLUSTER_QUEUE_PREFIX} (the default there), so that each queue stays in one slot`,
    );
  }
  return config;
}

/**
 * A command-line option that overrides a variable (`--concurrency` for PROMPTRCA_WORKER_CONCURRENCY):
 * parsed by the variable's own rule, so both report a bad value alike.
 */
export function parseOption<Name extends SettingName>(name: Name, option: string, value: string): Config[Name] {
  const setting = SETTINGS[name] as Setting<Config[Name]>;
  const result = setting.parse.safeParse(value.trim());
  if (!result.success) throw new ConfigError(option, value, setting.allowed);
  return result.data;
}

/** A whole number within a range, for options that no variable backs (`--last`, `--timeout`). */
export function parseWholeNumber(option: string, value: string, min: number, max: number): number {
  const { parse, allowed } = wholeNumber(min, max, min);
  const result = parse.safeParse(value.trim());
  if (!result.success) throw new ConfigError(option, value, allowed);
  return result.data;
}

/** parseWholeNumber as a commander option parser, so that help shows the default as a number. */
export function wholeNumberOption(option: string, min: number, max: number): (value: string) => number {
  return (value) => parseWholeNumber(option, value, min, max);
}
