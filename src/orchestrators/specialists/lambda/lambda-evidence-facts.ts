import type { Fact } from '../../../report/report.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS } from '../../facts/log-limits.js';
import type { LambdaConfig, LambdaEvidence } from './evidence.js';
import { describeChange } from './rules/recent-change.js';

const MAX_SIGNAL_FACTS = 8;

function reservedConcurrency(config: LambdaConfig): string {
  return config.reservedConcurrencyUnread ? 'unknown (GetFunctionConcurrency failed)' : String(config.reservedConcurrency ?? 'none');
}

function aliasFacts({ functionName, alias }: LambdaEvidence): Fact[] {
  if (!alias) return [];
  const weights = Object.entries(alias.additionalVersionWeights).map(
    ([version, weight]) => `, ${Math.round(weight * 1000) / 10}% to version ${version}`,
  );
  return [
    {
      source: 'lambda.GetAlias',
      content: `${functionName}:${alias.name} serves version ${alias.functionVersion}${weights.join('')}`,
      confidence: 1,
      metadata: { ...alias },
    },
  ];
}

/**
 * Turns gathered evidence into report facts. Environment variables appear by name only: the
 * config never carries their values.
 */
export function lambdaEvidenceFacts(evidence: LambdaEvidence): Fact[] {
  const facts: Fact[] = [];
  const name = evidence.functionName;
  const config = evidence.config;
  facts.push(...aliasFacts(evidence));
  if (config) {
    const version = config.version && config.version !== '$LATEST' ? ` version ${config.version}` : '';
    facts.push({
      source: 'lambda.GetFunctionConfiguration',
      content:
        `${name}${version}: runtime ${config.runtime ?? 'unknown'}, handler ${config.handler ?? 'unknown'}, ` +
        `timeout ${config.timeoutSeconds ?? '?'} s, memory ${config.memoryMb ?? '?'} MB, ` +
        `reserved concurrency ${reservedConcurrency(config)}, last modified ${config.lastModified ?? 'unknown'}, ` +
        `environment variables [${config.environmentVariableNames.join(', ')}]`,
      confidence: 1,
      metadata: { ...config },
    });
  }
  if (evidence.recentChange) {
    const { codeSha256 } = evidence.recentChange;
    facts.push({
      source: 'lambda.GetFunctionConfiguration.LastModified',
      content: `${name} ${describeChange(evidence.recentChange)}${codeSha256 ? `, CodeSha256 ${codeSha256}` : ''}`,
      confidence: 1,
      metadata: { ...evidence.recentChange },
    });
  }
  const logs = evidence.logs;
  if (logs) {
    for (const signal of logs.signals.slice(0, MAX_SIGNAL_FACTS)) {
      facts.push({
        source: 'cloudwatch-logs.FilterLogEvents',
        content: `${signal.kind} ×${signal.count}: ${signal.detail}`,
        confidence: signal.kind === 'warning' ? 0.3 : 0.9,
        metadata: { kind: signal.kind, count: signal.count, line: signal.line, timestamp: signal.timestamp },
      });
    }
    if (logs.reports.length > 0) {
      const maxDuration = Math.max(...logs.reports.map((r) => r.durationMs));
      const maxMemory = Math.max(...logs.reports.map((r) => r.maxMemoryUsedMb ?? 0));
      facts.push({
        source: 'cloudwatch-logs.REPORT',
        content: `${logs.reports.length} invocation reports: max duration ${maxDuration} ms, max memory used ${maxMemory} MB`,
        confidence: 0.9,
        metadata: { invocations: logs.reports.length, max_duration_ms: maxDuration, max_memory_used_mb: maxMemory },
      });
    }
    if (logs.linesScanned === 0) {
      facts.push({ source: 'cloudwatch-logs.FilterLogEvents', content: `${name}: no log events in the alarm window`, confidence: 0.6 });
    }
    if (logs.truncated) {
      facts.push({
        source: 'cloudwatch-logs.FilterLogEvents',
        content:
          `${name}: the log read stopped at its cap (${DEFAULT_MAX_EVENTS} lines or ${DEFAULT_MAX_BYTES / 1024 / 1024} MiB) ` +
          `after ${logs.linesScanned} lines; later lines of the alarm window were not read`,
        confidence: 1,
        metadata: { lines_scanned: logs.linesScanned, truncated: true },
      });
    }
  }
  for (const callee of evidence.callees ?? []) {
    if (callee.reservedConcurrency === undefined) continue;
    facts.push({
      source: 'lambda.GetFunctionConcurrency',
      content: `${callee.functionName}, which ${name} invokes and which throttles those invokes: reserved concurrency ${callee.reservedConcurrency ?? 'none (the account’s unreserved pool)'}`,
      confidence: 1,
      metadata: { function_name: callee.functionName, reserved_concurrency: callee.reservedConcurrency },
    });
  }
  const metrics = evidence.metrics;
  if (metrics && Object.values(metrics).some((v) => v !== null)) {
    facts.push({
      source: 'cloudwatch.GetMetricData',
      content:
        `${name} in the alarm window: errors ${metrics.errors ?? 'n/a'}, throttles ${metrics.throttles ?? 'n/a'}, ` +
        `invocations ${metrics.invocations ?? 'n/a'}, max duration ${metrics.maxDurationMs ?? 'n/a'} ms`,
      confidence: 0.9,
      metadata: { ...metrics },
    });
  }
  return facts;
}
