import { clip } from '../../clip.js';
import type { CalleeConcurrency, LambdaConfig, LambdaEvidence, LogScan, MetricSummary } from './evidence.js';

const MAX_SIGNALS = 8;
const MAX_SAMPLE_LINES = 3;
const SAMPLE_LINE_CHARS = 240;

/**
 * What a model is shown of each fact: the figures the diagnosis turns on, compactly. Environment
 * variables appear by name only; the config never carries their values.
 */
export function configResult(config: LambdaConfig): object {
  return {
    function: config.functionName,
    runtime: config.runtime,
    handler: config.handler,
    timeout_s: config.timeoutSeconds,
    memory_mb: config.memoryMb,
    reserved_concurrency: config.reservedConcurrencyUnread ? 'unknown' : config.reservedConcurrency,
    version: config.version,
    state: config.state,
    last_update_status: config.lastUpdateStatus,
    last_modified: config.lastModified,
    role: config.role?.split('/').pop() ?? null,
    env_var_names: config.environmentVariableNames,
  };
}

/** The alias the alarm names and a change of the serving version shortly before the alarm, when there are. */
export function servedResult({ alias, recentChange }: Pick<LambdaEvidence, 'alias' | 'recentChange'>): object {
  return {
    ...(alias ? { alias: alias.name, alias_version: alias.functionVersion, alias_weights: alias.additionalVersionWeights } : {}),
    ...(recentChange ? { changed_minutes_before_alarm: recentChange.minutesBeforeAlarm, code_sha256: recentChange.codeSha256 } : {}),
  };
}

/**
 * The scan's signals and a few raw lines, as a lean legacy tool would return them: the whole log
 * window would cost thousands of tokens per call and tell a model nothing the scan has not found.
 */
export function logsResult(scan: LogScan, callees?: readonly CalleeConcurrency[]): object {
  const signals = scan.signals.slice(0, MAX_SIGNALS);
  const reports = scan.reports;
  return {
    ...(callees
      ? {
          throttled_callees: callees.map((c) => ({ function: c.functionName, callee_reserved_concurrency: c.reservedConcurrency ?? null })),
        }
      : {}),
    lines_scanned: scan.linesScanned,
    truncated: scan.truncated,
    signals: signals.map(({ kind, count, detail }) => ({ kind, count, detail })),
    sample_lines: signals
      .filter((signal) => signal.kind !== 'warning')
      .slice(0, MAX_SAMPLE_LINES)
      .map((signal) => clip(signal.line, SAMPLE_LINE_CHARS)),
    invocations:
      reports.length === 0
        ? null
        : {
            count: reports.length,
            max_duration_ms: Math.max(...reports.map((r) => r.durationMs)),
            max_memory_used_mb: Math.max(...reports.map((r) => r.maxMemoryUsedMb ?? 0)),
            memory_size_mb: reports[0]?.memorySizeMb ?? null,
          },
  };
}

export function metricsResult(metrics: MetricSummary): object {
  return {
    errors: metrics.errors,
    throttles: metrics.throttles,
    invocations: metrics.invocations,
    max_duration_ms: metrics.maxDurationMs,
  };
}
