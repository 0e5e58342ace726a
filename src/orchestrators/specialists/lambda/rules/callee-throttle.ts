import type { Hypothesis } from '../../../../report/report.js';
import type { CalleeConcurrency, LambdaEvidence, LogSignal } from '../evidence.js';
import { mostFrequent, signalsOf, total } from './evidence-queries.js';

function throttledInvokes(evidence: LambdaEvidence | null): LogSignal[] {
  return signalsOf(evidence, 'throttled');
}

/** The callee the most throttles name, or the most frequent throttle when none names one. */
function leadThrottle(evidence: LambdaEvidence | null): LogSignal | undefined {
  const signals = throttledInvokes(evidence);
  return mostFrequent(signals.filter((signal) => signal.subject)) ?? mostFrequent(signals);
}

function calleeOf(evidence: LambdaEvidence | null, name: string | undefined): CalleeConcurrency | undefined {
  return name ? evidence?.callees?.find((callee) => callee.functionName === name) : undefined;
}

function concurrencyWords(callee: CalleeConcurrency | undefined): string {
  if (!callee || callee.reservedConcurrency === undefined) return '';
  return callee.reservedConcurrency === null
    ? ', and has no reserved concurrency (it shares the account’s unreserved pool)'
    : `, at its reserved concurrency of ${callee.reservedConcurrency}`;
}

/**
 * A function is never throttled in its own logs (a throttled invocation does not run), so a
 * TooManyRequestsException there is an invoke it made: the callee is the one throttled, and the
 * caller's failure is a dependency's.
 */
export function calleeThrottleHypothesis(evidence: LambdaEvidence): Hypothesis | null {
  const lead = leadThrottle(evidence);
  if (!lead) return null;
  const throttles = throttledInvokes(evidence);
  const callee = calleeOf(evidence, lead.subject);
  const failing = (evidence.metrics?.errors ?? 0) > 0;
  const target = lead.subject
    ? `the Lambda function it invokes, ${lead.subject}, is throttled`
    : 'a function or service it calls throttles it';
  return {
    type: 'downstream_error',
    description: `${evidence.functionName} is not throttled itself: ${target}${concurrencyWords(callee)} (${lead.detail})`,
    confidence: Math.min(0.95, 0.75 + (failing ? 0.1 : 0) + (total(throttles) >= 3 ? 0.03 : 0) + (callee ? 0.02 : 0)),
    evidence: [
      ...throttles.map((signal) => `${signal.kind} ×${signal.count}: ${signal.line}`),
      ...(callee && callee.reservedConcurrency !== undefined
        ? [`lambda.GetFunctionConcurrency ${callee.functionName}: reserved concurrency ${callee.reservedConcurrency ?? 'none'}`]
        : []),
    ],
  };
}

/** Advice for a throttled callee, naming it and its concurrency when known. */
export function calleeThrottleAdvice(evidence: LambdaEvidence | null): string[] {
  const lead = leadThrottle(evidence);
  const caller = evidence?.functionName ?? 'the function';
  if (!lead?.subject) {
    return [
      `Find the function or service ${caller} calls that answers TooManyRequestsException (${lead?.detail ?? 'Rate Exceeded'}) and raise its concurrency or quota.`,
      `Retry throttled calls from ${caller} with exponential backoff and jitter, or invoke asynchronously (InvocationType Event) so that Lambda queues and retries them.`,
    ];
  }
  const callee = calleeOf(evidence, lead.subject);
  const reserved = callee?.reservedConcurrency;
  const raise =
    typeof reserved === 'number'
      ? `Raise the reserved concurrency of ${lead.subject} from ${reserved} (aws lambda put-function-concurrency --function-name ${lead.subject} --reserved-concurrent-executions <n>) to what ${caller}'s load needs.`
      : reserved === null
        ? `${lead.subject} has no reserved concurrency: the account's concurrency is exhausted; reserve concurrency for ${lead.subject} or ask for a higher account quota.`
        : `Check the concurrency of ${lead.subject} (aws lambda get-function-concurrency --function-name ${lead.subject}) and raise it to what ${caller}'s load needs.`;
  return [
    raise,
    `Make ${caller} retry throttled invokes of ${lead.subject} with backoff and jitter, or invoke it asynchronously so that Lambda queues the calls.`,
  ];
}
