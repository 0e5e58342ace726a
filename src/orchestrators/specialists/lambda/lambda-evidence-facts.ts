import type { Fact } from '../../../report/report.js';
import type { LambdaEvidence } from './evidence.js';

const MAX_SIGNAL_FACTS = 8;

/**
 * Turns gathered evidence into report facts. Environment variables appear by name only: the
 * config never carries their values.
 */
export function lambdaEvidenceFacts(evidence: LambdaEvidence): Fact[] {
  const facts: Fact[] = [];
  const name = evidence.functionName;
  const config = evidence.config;
  if (config) {
    facts.push({
      source: 'lambda.GetFunctionConfiguration',
      content:
        `${name}: runtime ${config.runtime ?? 'unknown'}, handler ${config.handler ?? 'unknown'}, ` +
        `timeout ${config.timeoutSeconds ?? '?'} s, memory ${config.memoryMb ?? '?'} MB, ` +
        `reserved concurrency ${config.reservedConcurrency ?? 'none'}, last modified ${config.lastModified ?? 'unknown'}, ` +
        `environment variables [${config.environmentVariableNames.join(', ')}]`,
      confidence: 1,
      metadata: { ...config },
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
