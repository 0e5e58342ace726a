import type { NormalizedAlarm } from '../../../../producer/alarm.js';
import type { Hypothesis } from '../../../../report/report.js';
import { UNKNOWN_CONFIDENCE } from '../../../rules/choose-root-cause.js';
import type { InvocationReport, LambdaEvidence, LogSignal } from '../evidence.js';
import { missingEnvVarName } from '../signals/log-patterns.js';
import { isMemoryLimitSignal, isPlatformSignal } from '../signals/report-signals.js';
import { withAlarmedDuration } from './alarm-duration.js';
import { calleeThrottleHypothesis } from './callee-throttle.js';
import { evidenceGaps } from './evidence-gaps.js';
import {
  DOWNSTREAM_KINDS,
  deniedDuringInit,
  memoryLimitMb,
  mostFrequent,
  reportsOf,
  runtimeCause,
  signalsOf,
  timeoutLimitMs,
  total,
} from './evidence-queries.js';
import { weighRecentChange } from './recent-change.js';

/** A duration or memory figure this close to its limit counts as having hit it. */
export const NEAR_LIMIT = 0.95;

function quote(signal: LogSignal): string {
  return `${signal.kind} ×${signal.count}: ${signal.line}`;
}

function reportQuote(report: InvocationReport): string {
  const memory = report.maxMemoryUsedMb !== null ? `, Max Memory Used ${report.maxMemoryUsedMb} of ${report.memorySizeMb ?? '?'} MB` : '';
  const status = report.status ? `, Status ${report.status}` : '';
  return `REPORT ${report.requestId ?? ''}: Duration ${report.durationMs} ms${memory}${status}`;
}

function failing(evidence: LambdaEvidence): boolean {
  return (evidence.metrics?.errors ?? 0) > 0 || reportsOf(evidence).some((report) => report.status === 'error');
}

function errorsQuote(evidence: LambdaEvidence): string[] {
  const errors = evidence.metrics?.errors ?? 0;
  return errors > 0 ? [`metric Errors = ${errors} in the alarm window`] : [];
}

function round(confidence: number): number {
  return Math.min(0.95, Math.round(confidence * 100) / 100);
}

function timeoutHypothesis(evidence: LambdaEvidence): Hypothesis | null {
  const timeouts = signalsOf(evidence, 'timeout');
  const limitMs = timeoutLimitMs(evidence);
  const atLimit = (durationMs: number) => limitMs !== null && durationMs >= NEAR_LIMIT * limitMs;
  const slowReports = reportsOf(evidence).filter((report) => report.status === 'timeout' || atLimit(report.durationMs));
  const maxDuration = evidence.metrics?.maxDurationMs ?? null;
  const metricAtLimit = maxDuration !== null && atLimit(maxDuration);
  if (timeouts.length === 0 && slowReports.length === 0 && !metricAtLimit) return null;

  const corroborated = slowReports.length > 0 || metricAtLimit;
  let confidence: number;
  if (timeouts.length > 0) confidence = (corroborated ? 0.9 : 0.8) + (total(timeouts) >= 3 ? 0.03 : 0);
  else confidence = slowReports.length > 0 ? 0.55 : 0.4;

  const limit = limitMs !== null ? `its ${limitMs / 1000} s timeout` : 'its timeout';
  const timedOut = Math.max(total(timeouts.filter((signal) => signal.subject !== undefined)), slowReports.length);
  const longest = Math.max(maxDuration ?? 0, ...slowReports.map((report) => report.durationMs));
  return {
    type: 'timeout',
    description:
      `${evidence.functionName} runs into ${limit}` +
      (timedOut > 0 ? `: ${timedOut} invocation(s) timed out` : ': invocations ran up to the limit') +
      (longest > 0 ? `, longest ${Math.round(longest)} ms` : ''),
    confidence: round(confidence),
    evidence: [
      ...timeouts.map(quote),
      ...slowReports.slice(0, 3).map(reportQuote),
      ...(metricAtLimit ? [`metric Duration max = ${maxDuration} ms against a ${limitMs} ms timeout`] : []),
    ],
  };
}

function outOfMemoryHypothesis(evidence: LambdaEvidence): Hypothesis | null {
  const signals = signalsOf(evidence, 'out_of_memory');
  const explicit = signals.filter((signal) => !isMemoryLimitSignal(signal));
  const fullReports = reportsOf(evidence).filter((report) => {
    const limit = memoryLimitMb(evidence, report);
    return limit !== null && report.maxMemoryUsedMb !== null && report.maxMemoryUsedMb >= NEAR_LIMIT * limit;
  });
  if (explicit.length === 0 && fullReports.length === 0) return null;

  let confidence: number;
  if (explicit.length > 0) confidence = fullReports.length > 0 ? 0.92 : 0.8;
  else confidence = failing(evidence) ? 0.65 : 0.4;

  const peak = fullReports.reduce<InvocationReport | undefined>(
    (top, report) => (!top || (report.maxMemoryUsedMb ?? 0) > (top.maxMemoryUsedMb ?? 0) ? report : top),
    undefined,
  );
  const figures = peak ? `: Max Memory Used ${peak.maxMemoryUsedMb} of ${memoryLimitMb(evidence, peak)} MB` : '';
  const lead = mostFrequent(explicit);
  return {
    type: 'out_of_memory',
    description: `${evidence.functionName} runs out of memory${figures}${lead ? ` (${lead.detail})` : ''}`,
    confidence: round(confidence),
    evidence: [...signals.map(quote), ...fullReports.slice(0, 3).map(reportQuote)],
  };
}

function codeErrorHypothesis(evidence: LambdaEvidence): Hypothesis | null {
  const exceptions = signalsOf(evidence, 'unhandled_exception');
  const lead = runtimeCause(exceptions);
  if (!lead) return null;
  const confidence = 0.7 + (failing(evidence) ? 0.1 : 0) + (total(exceptions) >= 3 ? 0.05 : 0);
  return {
    type: 'code_error',
    description: `${evidence.functionName} throws an unhandled exception: ${lead.detail} (×${lead.count})`,
    confidence: round(confidence),
    evidence: [...exceptions.map(quote), ...errorsQuote(evidence)],
  };
}

function initErrorHypothesis(evidence: LambdaEvidence): Hypothesis | null {
  const signals = signalsOf(evidence, 'init_error');
  // A call denied while starting is why it cannot start: permission_denied claims it, quoting the init failure.
  if (signals.length === 0 || deniedDuringInit(evidence)) return null;
  const config = evidence.config;
  const deployFailed = config?.state === 'Failed' || config?.lastUpdateStatus === 'Failed';
  // The runtime's own error line and the platform's INIT_REPORT are two independent witnesses.
  const bothWitnesses = signals.some(isPlatformSignal) && signals.some((signal) => !isPlatformSignal(signal));
  const corroborated = bothWitnesses || deployFailed || failing(evidence);
  const lead = mostFrequent(signals.filter((signal) => !isPlatformSignal(signal))) ?? mostFrequent(signals);
  return {
    type: 'init_error',
    description: `${evidence.functionName} cannot start: ${lead?.detail ?? 'its init fails'}`,
    confidence: round(corroborated ? 0.93 : 0.85),
    evidence: [
      ...signals.map(quote),
      ...(deployFailed ? [`function state ${config?.state}, last update ${config?.lastUpdateStatus}`] : []),
    ],
  };
}

function permissionHypothesis(evidence: LambdaEvidence): Hypothesis | null {
  const denials = signalsOf(evidence, 'access_denied');
  const lead = mostFrequent(denials);
  if (!lead) return null;
  const role = evidence.config?.role ? ` (role ${evidence.config.role})` : '';
  // Denied during init, the function cannot start at all: the INIT_REPORT corroborates the denial.
  const duringInit = deniedDuringInit(evidence);
  const confidence = duringInit ? 0.93 : 0.75 + (failing(evidence) ? 0.1 : 0) + (total(denials) >= 3 ? 0.03 : 0);
  const denied = duringInit ? 'cannot start: its init is denied' : 'is denied access';
  return {
    type: 'permission_denied',
    description: `${evidence.functionName}${role} ${denied}: ${lead.detail}`,
    confidence: round(confidence),
    evidence: [...denials.map(quote), ...(duringInit ? signalsOf(evidence, 'init_error').map(quote) : []), ...errorsQuote(evidence)],
  };
}

/**
 * The function's own throttling shows in its Throttles metric and its concurrency, never in its
 * logs (a throttled invocation does not run): a throttle its logs show is a callee's.
 */
function throttlingHypothesis(evidence: LambdaEvidence): Hypothesis | null {
  const reserved = evidence.config?.reservedConcurrency ?? null;
  const throttles = evidence.metrics?.throttles ?? 0;
  const facts = [
    ...(reserved !== null ? [`reserved concurrency = ${reserved}`] : []),
    ...(throttles > 0 ? [`metric Throttles = ${throttles} in the alarm window`] : []),
  ];
  if (reserved === 0) {
    return {
      type: 'throttling',
      description: `${evidence.functionName} has reserved concurrency 0, so every invocation is throttled`,
      confidence: round(throttles > 0 ? 0.95 : 0.9),
      evidence: facts,
    };
  }
  if (throttles === 0) return null;
  let confidence = 0.7 + (reserved !== null ? 0.05 : 0);
  const invocations = evidence.metrics?.invocations ?? 0;
  if (throttles >= invocations) confidence += 0.05;
  // Invocations that fail and are retried (a queue redelivering its batches) raise the load: the
  // throttles follow from the failure the logs show.
  if (signalsOf(evidence, 'unhandled_exception', 'init_error', 'timeout').length > 0) confidence -= 0.15;
  const cap = reserved !== null ? ` at its reserved concurrency of ${reserved}` : '';
  return {
    type: 'throttling',
    description: `${evidence.functionName} is throttled${cap}: ${throttles} throttled invocation(s)`,
    confidence: round(confidence),
    evidence: facts,
  };
}

function downstreamHypothesis(evidence: LambdaEvidence): Hypothesis | null {
  const failures = signalsOf(evidence, ...DOWNSTREAM_KINDS);
  const lead = mostFrequent(failures);
  if (!lead) return null;
  // A single reset connection is routine; a dependency that keeps failing is a cause.
  const confidence = 0.45 + 0.05 * Math.min(total(failures), 6) + (failing(evidence) ? 0.1 : 0);
  // The throttling service by name, so that neither reader nor advice takes an SSM throttle for DynamoDB.
  const what =
    lead.kind === 'downstream_throttled' && lead.subject
      ? `${lead.subject} throttles ${evidence.functionName}`
      : `a dependency of ${evidence.functionName} fails`;
  return {
    type: 'downstream_error',
    description: `${what} (${total(failures)} failed call(s)): ${lead.detail}`,
    confidence: round(Math.min(confidence, 0.85)),
    evidence: [...failures.map(quote), ...errorsQuote(evidence)],
  };
}

function configurationHypothesis(evidence: LambdaEvidence): Hypothesis | null {
  const signals = signalsOf(evidence, 'missing_configuration');
  if (signals.length === 0) return null;
  const known = evidence.config?.environmentVariableNames ?? null;
  let best = { confidence: 0, description: '' };
  const findings: string[] = [];
  for (const signal of signals) {
    const name = missingEnvVarName(signal);
    let candidate: typeof best;
    if (name && known) {
      const absent = !known.includes(name);
      findings.push(`configured environment variables: [${known.join(', ')}] ${absent ? 'lack' : 'include'} ${name}`);
      candidate = absent
        ? { confidence: 0.92, description: `${evidence.functionName} needs environment variable ${name}, which its configuration lacks` }
        : {
            confidence: 0.6,
            description: `${evidence.functionName} fails on environment variable ${name}: it is set, so its value may be wrong`,
          };
    } else if (name) {
      candidate = { confidence: 0.75, description: `${evidence.functionName} needs environment variable ${name}, which is not set` };
    } else {
      const corroborated = failing(evidence) || signal.count >= 2;
      candidate = {
        confidence: 0.7 + (corroborated ? 0.1 : 0),
        description: `${evidence.functionName} is configured with a resource or endpoint that does not exist: ${signal.detail}`,
      };
    }
    if (candidate.confidence > best.confidence) best = candidate;
  }
  return {
    type: 'configuration_error',
    description: best.description,
    confidence: round(best.confidence),
    evidence: [...signals.map(quote), ...findings],
  };
}

const RULES = [
  initErrorHypothesis,
  outOfMemoryHypothesis,
  timeoutHypothesis,
  configurationHypothesis,
  permissionHypothesis,
  throttlingHypothesis,
  codeErrorHypothesis,
  downstreamHypothesis,
  calleeThrottleHypothesis,
];

/**
 * Every cause the evidence of one function supports, each with a calibrated confidence: a clear
 * signal corroborated by REPORT figures, metrics or configuration scores 0.85–0.95, a signal alone
 * about 0.75–0.8, figures alone below 0.6. Warnings support nothing. With no cause found, one
 * "unknown" hypothesis names what could not be seen. `alarm` (default: none) weighs in when it is
 * this function's Duration alarm near the timeout.
 */
export function lambdaHypotheses(evidence: LambdaEvidence, alarm?: NormalizedAlarm | null): Hypothesis[] {
  // The alarm's own metric has the last word: a Duration alarm near the timeout is a timeout even
  // when a recent change makes an error in the logs more likely.
  const hypotheses = withAlarmedDuration(
    weighRecentChange(
      RULES.map((rule) => rule(evidence)).filter((h): h is Hypothesis => h !== null),
      evidence,
    ),
    evidence,
    alarm,
  );
  if (hypotheses.length > 0) return hypotheses.sort((a, b) => b.confidence - a.confidence);
  const gaps = evidenceGaps(evidence);
  return [
    {
      type: 'unknown',
      description: `no cause found for ${evidence.functionName}: ${gaps.length > 0 ? gaps.join('; ') : 'no log signal, setting or metric points to one'}`,
      confidence: UNKNOWN_CONFIDENCE,
      evidence: gaps,
    },
  ];
}
