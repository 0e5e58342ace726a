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
  /** Names only: values may hold secrets and never leave the fact tool. */
  environmentVariableNames: string[];
  logGroup: string;
  /** null when the function has none (it shares the account's unreserved pool). */
  reservedConcurrency: number | null;
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

/** A function this one invokes and was throttled by, with what GetFunctionConcurrency said of it. */
export interface CalleeConcurrency {
  functionName: string;
  /** null: no reserved concurrency (the account's unreserved pool); undefined: it could not be read. */
  reservedConcurrency: number | null | undefined;
}

export interface LambdaEvidence {
  functionName: string;
  config: LambdaConfig | null;
  logs: LogScan | null;
  metrics: MetricSummary | null;
  /** The functions its logs show throttling its invokes (absent when none). */
  callees?: CalleeConcurrency[];
}
