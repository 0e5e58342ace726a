/**
 * What the fact tools hand to the rules and the specialists. Kept as plain data so that signal
 * extraction and the rules stay pure and are tested without AWS.
 */

/** One log event as CloudWatch Logs returns it (FilterLogEvents `events[]`). */
export interface LogLine {
  timestamp: number;
  message: string;
  logStream?: string;
}

/** The parts of GetFunctionConfiguration (and GetFunctionConcurrency) the rules use. */
export interface LambdaConfig {
  functionName: string;
  functionArn: string | null;
  runtime: string | null;
  handler: string | null;
  timeoutSeconds: number | null;
  memoryMb: number | null;
  role: string | null;
  lastModified: string | null;
  /** Which version this configuration is of: `$LATEST` or a published version such as `7`. */
  version: string | null;
  codeSha256: string | null;
  /** Names only: values may hold secrets and never leave the fact tool. */
  environmentVariableNames: string[];
  logGroup: string;
  /** null when the function has none (it shares the account's unreserved pool), or when it could not be read. */
  reservedConcurrency: number | null;
  /** Why reserved concurrency is unknown: the failed GetFunctionConcurrency. Absent when it was read. */
  reservedConcurrencyUnread?: string;
  state: string | null;
  lastUpdateStatus: string | null;
}

/** What the log scan found; each kind maps to one or more root-cause types in the rules. */
export const SIGNAL_KINDS = [
  'timeout',
  'out_of_memory',
  'unhandled_exception',
  'init_error',
  'access_denied',
  'throttled',
  'downstream_throttled',
  'downstream_http_error',
  'downstream_timeout',
  'downstream_unavailable',
  'missing_configuration',
  'warning',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export interface LogSignal {
  kind: SignalKind;
  /** Short human text: the exception type and message, the status, the variable. */
  detail: string;
  /** The line it came from, truncated, to quote as evidence. */
  line: string;
  timestamp: number;
  /** How many lines gave this same kind and detail. */
  count: number;
  /**
   * What the signal names, when the line says: the environment variable, the exception type, the
   * IAM action, the missing module, the host, the timeout in seconds. Rules and advice quote it.
   */
  subject?: string;
}

/** Per-invocation figures from REPORT lines. */
export interface InvocationReport {
  requestId: string | null;
  durationMs: number;
  billedDurationMs: number | null;
  memorySizeMb: number | null;
  maxMemoryUsedMb: number | null;
  initDurationMs: number | null;
  /** `Status: timeout` / `error` on newer runtimes; null when the line has none. */
  status: string | null;
  errorType: string | null;
}

export interface LogScan {
  signals: LogSignal[];
  reports: InvocationReport[];
  linesScanned: number;
  /** True when the fact tool stopped at its cap: the scan saw only part of the window. */
  truncated: boolean;
}

/** Sums of CloudWatch metrics over the alarm window; null where the metric had no data. */
export interface MetricSummary {
  errors: number | null;
  throttles: number | null;
  invocations: number | null;
  maxDurationMs: number | null;
}

/** The alias the alarm names, as GetAlias resolves it. */
export interface LambdaAlias {
  name: string;
  functionVersion: string;
  /** Other versions a weighted alias sends part of its traffic to, by version: weight (0–1). */
  additionalVersionWeights: Record<string, number>;
}

/** The code or configuration of the version that serves the alarmed traffic changed shortly before the alarm. */
export interface RecentChange {
  /** `$LATEST` or the published version. */
  version: string;
  /** The alias that points at it, when the alarm names one. */
  alias: string | null;
  lastModified: string;
  minutesBeforeAlarm: number;
  codeSha256: string | null;
}

/** A function this one invokes and was throttled by, with what GetFunctionConcurrency said of it. */
export interface CalleeConcurrency {
  functionName: string;
  /** null: no reserved concurrency (the account's unreserved pool); undefined: it could not be read. */
  reservedConcurrency: number | null | undefined;
}

export interface LambdaEvidence {
  functionName: string;
  /** The alias or version the alarm names (`live`, `7`); absent or null for the unqualified function ($LATEST). */
  qualifier?: string | null;
  /** The alias the qualifier names, when GetAlias could read it. */
  alias?: LambdaAlias | null;
  /** The configuration of the version that serves the alarmed traffic: the alias's, the named version's or $LATEST. */
  config: LambdaConfig | null;
  /** Absent or null when no change falls within the window before the alarm. */
  recentChange?: RecentChange | null;
  logs: LogScan | null;
  metrics: MetricSummary | null;
  /** The functions its logs show throttling its invokes (absent when none). */
  callees?: CalleeConcurrency[];
}
