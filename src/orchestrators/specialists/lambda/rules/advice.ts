import type { RootCause, RootCauseType } from '../../../../report/report.js';
import type { LambdaEvidence } from '../evidence.js';
import { missingEnvVarName } from '../signals/log-patterns.js';
import { calleeThrottleAdvice } from './callee-throttle.js';
import { evidenceGaps } from './evidence-gaps.js';
import {
  DOWNSTREAM_KINDS,
  memoryLimitMb,
  mostFrequent,
  reportsOf,
  runtimeCause,
  signalsOf,
  timeoutLimitMs,
  total,
} from './evidence-queries.js';
import { recentChangeAdvice } from './recent-change.js';
import { throttledServiceAdvice } from './service-throttle-advice.js';

const MAX_TIMEOUT_SECONDS = 900;
const MAX_MEMORY_MB = 10_240;

function nameOf(evidence: LambdaEvidence | null): string {
  return evidence?.functionName ?? 'the function';
}

function timeoutAdvice(evidence: LambdaEvidence | null): string[] {
  const fn = nameOf(evidence);
  const limitMs = timeoutLimitMs(evidence);
  const longest = Math.max(0, ...reportsOf(evidence).map((report) => report.durationMs));
  const advice: string[] = [];
  if (limitMs !== null) {
    const seconds = limitMs / 1000;
    const suggested = Math.min(MAX_TIMEOUT_SECONDS, Math.ceil(seconds * 2));
    const reached = longest > 0 ? ` (invocations ran ${Math.round(longest)} ms)` : '';
    advice.push(
      `Raise the timeout of ${fn} from ${seconds} s${reached}, e.g. to ${suggested} s, if the work legitimately takes that long.`,
    );
  } else {
    advice.push(`Raise the timeout of ${fn} if the work legitimately takes longer than it allows.`);
  }
  const slowCall = mostFrequent(signalsOf(evidence, ...DOWNSTREAM_KINDS));
  if (slowCall) {
    advice.push(
      `A dependency is slow or failing (${slowCall.detail}): give its client a timeout shorter than the function's, and retry with backoff.`,
    );
  } else {
    advice.push('Find the slow step: time the external calls in the handler or enable X-Ray tracing.');
  }
  return advice;
}

function outOfMemoryAdvice(evidence: LambdaEvidence | null): string[] {
  const fn = nameOf(evidence);
  const memory = memoryLimitMb(evidence);
  const peak = Math.max(0, ...reportsOf(evidence).map((report) => report.maxMemoryUsedMb ?? 0));
  const reached = peak > 0 ? ` (Max Memory Used reached ${peak} MB)` : '';
  const raise =
    memory !== null
      ? `Raise the memory of ${fn} from ${memory} MB${reached}, e.g. to ${Math.min(MAX_MEMORY_MB, memory * 2)} MB.`
      : `Raise the memory of ${fn}${reached}.`;
  return [
    raise,
    'Look for data held whole in memory (large payloads, unbounded caches, whole-file reads) and stream or paginate it instead.',
  ];
}

function codeErrorAdvice(evidence: LambdaEvidence | null): string[] {
  const fn = nameOf(evidence);
  const exception = runtimeCause(signalsOf(evidence, 'unhandled_exception'));
  const advice = [
    exception
      ? `Fix the unhandled exception in ${fn}: ${exception.detail.replace(/\.$/, '')}.`
      : `Find and fix the unhandled error in ${fn}.`,
  ];
  const deployed = evidence?.config?.lastModified;
  if (deployed && !evidence?.recentChange)
    advice.push(`If the errors began after the deploy of ${deployed}, roll back to the previous version while fixing.`);
  return advice;
}

function initErrorAdvice(evidence: LambdaEvidence | null): string[] {
  const fn = nameOf(evidence);
  const failure = runtimeCause(signalsOf(evidence, 'init_error'));
  const handler = evidence?.config?.handler;
  const text = failure?.detail ?? '';
  if (text.includes('HandlerNotFound') || text.includes('not exported')) {
    return [`Point the handler setting of ${fn}${handler ? ` (now ${handler})` : ''} at a function the package exports.`];
  }
  if (failure?.subject && /Cannot find module|No module named|ClassNotFound|NoClassDefFound|ImportModuleError/.test(text)) {
    return [
      `Package ${failure.subject} with ${fn} (in the deployment package or a layer): the runtime cannot load it.`,
      'Check the build: dependencies installed for the Lambda runtime and architecture, and included in the artifact.',
    ];
  }
  return [
    `Fix what fails while ${fn} starts${failure ? `: ${failure.detail}` : ''}; run the package locally (sam local invoke) before deploying.`,
  ];
}

function permissionAdvice(evidence: LambdaEvidence | null): string[] {
  const fn = nameOf(evidence);
  const denial = mostFrequent(signalsOf(evidence, 'access_denied'));
  const role = evidence?.config?.role ?? `the execution role of ${fn}`;
  const resource = denial ? / on (\S+)$/.exec(denial.detail)?.[1] : undefined;
  if (denial?.subject === 'kms:Decrypt' || denial?.detail.includes('KMS')) {
    const key = resource ?? `the KMS key that encrypts ${fn}'s environment`;
    return [`Allow ${role} kms:Decrypt on ${key} (in its IAM policy, and in the key policy if that does not delegate to IAM).`];
  }
  if (denial?.subject) {
    return [`Grant ${role} the permission ${denial.subject}${resource ? ` on ${resource}` : ''} in its IAM policy.`];
  }
  return [`Grant ${role} the permission the failing call needs${denial ? ` (${denial.detail})` : ''}.`];
}

function throttlingAdvice(evidence: LambdaEvidence | null): string[] {
  const fn = nameOf(evidence);
  const reserved = evidence?.config?.reservedConcurrency ?? null;
  if (reserved === 0) {
    return [
      `Remove the reserved concurrency of 0 from ${fn} (aws lambda delete-function-concurrency --function-name ${fn}) or set it to what the load needs.`,
    ];
  }
  // Retried failures (a queue redelivering a failing batch) make throttles; concurrency does not cure them.
  const failure = runtimeCause(signalsOf(evidence, 'unhandled_exception', 'init_error', 'timeout'));
  if (failure) return [`Fix why invocations of ${fn} fail first (${failure.detail}): their retries add to the load that is throttled.`];
  if (reserved !== null) return [`Raise the reserved concurrency of ${fn} from ${reserved}, or slow the event source down.`];
  return [
    `Reserve concurrency for ${fn} or ask for a higher account concurrency quota.`,
    'Limit the event source instead where possible (SQS maximum concurrency, API Gateway throttling).',
  ];
}

function downstreamAdvice(evidence: LambdaEvidence | null): string[] {
  const failures = signalsOf(evidence, ...DOWNSTREAM_KINDS);
  // The rules rank a throttled callee above as many failed calls of another kind.
  const calleeThrottles = signalsOf(evidence, 'throttled');
  if (calleeThrottles.length > 0 && total(calleeThrottles) >= total(failures)) return calleeThrottleAdvice(evidence);
  const failure = mostFrequent(failures);
  const retry = 'Retry with exponential backoff and jitter, and fail fast (circuit breaker) while the dependency is down.';
  switch (failure?.kind) {
    case 'downstream_throttled':
      return [...throttledServiceAdvice(failure), retry];
    case 'downstream_http_error':
      return [`The dependency answers HTTP ${failure.subject ?? '5xx'} (${failure.detail}): check its health and status page.`, retry];
    case 'downstream_timeout':
      return [
        `Calls to the dependency time out (${failure.detail}): check its latency, and keep the client timeout below the function's.`,
        retry,
      ];
    case 'downstream_unavailable':
      return [
        `The dependency refuses or drops connections (${failure.detail}): check that it is up and reachable (security groups, VPC routes).`,
        retry,
      ];
    default:
      return ['Check the health of the services the function calls.', retry];
  }
}

function configurationAdvice(evidence: LambdaEvidence | null): string[] {
  const fn = nameOf(evidence);
  const signals = signalsOf(evidence, 'missing_configuration');
  const known = evidence?.config?.environmentVariableNames ?? null;
  const names = known ? ` (it has: ${known.join(', ') || 'none'})` : '';
  const advice: string[] = [];
  for (const signal of signals) {
    const name = missingEnvVarName(signal);
    if (name && known?.includes(name)) advice.push(`Check the value of environment variable ${name} on ${fn}.`);
    else if (name) advice.push(`Add the missing environment variable ${name} to ${fn}${names}.`);
    else if (signal.subject) advice.push(`Fix the host name ${signal.subject} that ${fn} is configured to call.`);
    else
      advice.push(
        `Check the resource names and endpoints ${fn} is configured with${names} against what exists in its account and region: ${signal.detail}.`,
      );
  }
  return advice.length > 0 ? [...new Set(advice)] : [`Check the configuration of ${fn}${names}.`];
}

function unknownAdvice(evidence: LambdaEvidence | null): string[] {
  if (!evidence) return ['Check that the alarm names a resource the investigator can read, then investigate again.'];
  const advice = evidenceGaps(evidence).map((gap) => `Missing evidence: ${gap}.`);
  advice.push(
    `Check that ${evidence.functionName} logs to ${evidence.config?.logGroup ?? `/aws/lambda/${evidence.functionName}`} and that the investigator may read its logs, configuration and metrics.`,
  );
  return advice;
}

const ADVICE: Record<RootCauseType, (evidence: LambdaEvidence | null) => string[]> = {
  timeout: timeoutAdvice,
  out_of_memory: outOfMemoryAdvice,
  code_error: codeErrorAdvice,
  init_error: initErrorAdvice,
  permission_denied: permissionAdvice,
  throttling: throttlingAdvice,
  downstream_error: downstreamAdvice,
  configuration_error: configurationAdvice,
  unknown: unknownAdvice,
};

/** Concrete next steps for the root cause, quoting the figures and names the evidence holds. */
export function adviceFor(rootCause: RootCause | null, evidence: LambdaEvidence | null): string[] {
  return rootCause ? [...recentChangeAdvice(rootCause, evidence), ...ADVICE[rootCause.type](evidence)] : [];
}
