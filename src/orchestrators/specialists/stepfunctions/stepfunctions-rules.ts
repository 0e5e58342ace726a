import type { Fact, Hypothesis, RootCause, RootCauseType } from '../../../report/report.js';
import { clip } from '../../clip.js';
import { causeOfErrorText } from '../lambda/signals/signal-causes.js';
import type { ExecutionFailure, StepFunctionsEvidence } from './stepfunctions-evidence.js';

const MAX_CAUSE_CHARS = 300;

/** Errors Step Functions itself names, before the cause text is read. */
const SERVICE_ERRORS: ReadonlyArray<[RegExp, RootCauseType]> = [
  [/^States\.Timeout$|TimedOut$/, 'timeout'],
  [/TooManyRequestsException|ThrottlingException/, 'throttling'],
  [/^States\.Permissions$|AccessDenied/, 'permission_denied'],
  [/^Lambda\.(?:ServiceException|AWSLambdaException|SdkClientException)$/, 'downstream_error'],
];

function failureLine(failure: ExecutionFailure): string {
  const where = failure.state ? ` in state ${failure.state}` : '';
  return `${failure.eventType ?? 'failure'}${where}: ${failure.error ?? 'no error name'}${failure.cause ? `: ${clip(failure.cause, MAX_CAUSE_CHARS)}` : ''}`;
}

/** The cause in the runtime's words: a Lambda task's cause is the function's `{"errorType","errorMessage"}`. */
function classify(failure: ExecutionFailure): { type: RootCauseType; detail: string } {
  const error = failure.error ?? '';
  const timedOut = failure.eventType === 'TaskTimedOut' || failure.eventType === 'LambdaFunctionTimedOut';
  const named = timedOut ? 'timeout' : SERVICE_ERRORS.find(([pattern]) => pattern.test(error))?.[1];
  const fromCause = failure.cause ? causeOfErrorText(failure.cause) : null;
  if (named) return { type: named, detail: fromCause?.detail ?? error };
  if (fromCause) return fromCause;
  return { type: 'code_error', detail: error || 'the task failed without a cause' };
}

function taskName(failure: ExecutionFailure): string {
  const reference = failure.functionReference;
  if (!reference) return '';
  const name = /function:([^:]+)/.exec(reference)?.[1] ?? reference.split(':')[0];
  return ` (Lambda ${name})`;
}

export function stepFunctionsFacts(evidence: StepFunctionsEvidence): Fact[] {
  const facts: Fact[] = [];
  if (evidence.machineType) {
    facts.push({
      source: 'sfn.DescribeStateMachine',
      content: `${evidence.stateMachineName}: ${evidence.machineType} state machine`,
      confidence: 1,
    });
  }
  for (const failure of evidence.failures ?? []) {
    facts.push({
      source: 'sfn.GetExecutionHistory',
      content: `execution ${failure.executionName} failed${taskName(failure)}: ${failureLine(failure)}`,
      confidence: 0.95,
      metadata: { ...failure },
    });
  }
  if (evidence.failures?.length === 0) {
    facts.push({ source: 'sfn.ListExecutions', content: `${evidence.stateMachineName}: no failed executions listed`, confidence: 0.8 });
  }
  return facts;
}

/** The newest failure, and every other that failed the same way, make one hypothesis. */
export function stepFunctionsHypotheses(evidence: StepFunctionsEvidence): Hypothesis[] {
  const [latest, ...older] = evidence.failures ?? [];
  if (!latest) return [];
  const cause = classify(latest);
  const alike = older.filter((failure) => classify(failure).type === cause.type);
  const state = latest.state ? ` in state ${latest.state}` : '';
  return [
    {
      type: cause.type,
      description: `state machine ${evidence.stateMachineName} fails${state}${taskName(latest)}: ${cause.detail}`,
      confidence: alike.length > 0 ? 0.85 : 0.8,
      evidence: [latest, ...alike].map(failureLine),
    },
  ];
}

export function stepFunctionsAdvice(rootCause: RootCause, evidence: StepFunctionsEvidence | null): string[] {
  const failure = evidence?.failures?.[0];
  const name = evidence?.stateMachineName ?? 'the state machine';
  const state = failure?.state ? `state ${failure.state}` : 'the failing state';
  switch (rootCause.type) {
    case 'timeout':
      return [
        `Give ${state} of ${name} a TimeoutSeconds that fits the work, and add a Retry on States.Timeout only if the task is idempotent.`,
      ];
    case 'throttling':
      return [`Add a Retry with backoff on Lambda.TooManyRequestsException to ${state} of ${name}, and raise the function's concurrency.`];
    case 'permission_denied':
      return [`Grant the state machine's execution role of ${name} the action ${state} needs.`];
    default:
      return [
        `Fix the error ${state} of ${name} raises${failure?.error ? ` (${failure.error})` : ''}; the execution history of ${failure?.executionName ?? 'the failed execution'} holds its input.`,
        `Add a Catch to ${state} so that one bad input fails gracefully instead of failing the execution.`,
      ];
  }
}
