import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Resource } from '../../../report/report.js';
import { AWS_SERVICES, type AwsClients } from '../../aws/clients.js';
import { ResourceArnUnknownError } from '../../errors.js';
import { attempt } from '../../facts/attempt.js';
import { runFactCall } from '../../facts/fact-call.js';
import type { GatheredEvidence } from '../resource-specialist.js';
import type { ExecutionFailure, FailedExecution, StepFunctionsEvidence } from './stepfunctions-evidence.js';

const SFN = AWS_SERVICES.sfn.name;
/** The newest failures tell what fails now; older ones only repeat it or tell an older story. */
const FAILED_EXECUTIONS_READ = 2;
const HISTORY_EVENTS = 100;

const FAILURE_DETAILS = [
  ['taskFailedEventDetails', 'TaskFailed'],
  ['taskTimedOutEventDetails', 'TaskTimedOut'],
  ['lambdaFunctionFailedEventDetails', 'LambdaFunctionFailed'],
  ['lambdaFunctionTimedOutEventDetails', 'LambdaFunctionTimedOut'],
  ['executionFailedEventDetails', 'ExecutionFailed'],
] as const;

function functionOf(parameters: string | undefined): string | null {
  if (!parameters) return null;
  try {
    const parsed = JSON.parse(parameters) as { FunctionName?: unknown };
    return typeof parsed.FunctionName === 'string' ? parsed.FunctionName : null;
  } catch {
    return null;
  }
}

/** The first failure of a task in the history (oldest first), the state it ran in and the function it called. */
export function failureOf(events: readonly HistoryEvent[], executionArn: string, stopDate: string | null): ExecutionFailure {
  let state: string | null = null;
  let functionReference: string | null = null;
  for (const event of events) {
    if (event.stateEnteredEventDetails?.name) state = event.stateEnteredEventDetails.name;
    const scheduled =
      functionOf(event.taskScheduledEventDetails?.parameters) ?? event.lambdaFunctionScheduledEventDetails?.resource ?? null;
    if (scheduled) functionReference = scheduled;
    for (const [key, eventType] of FAILURE_DETAILS) {
      const details = event[key];
      if (details) {
        return {
          executionArn,
          executionName: executionArn.split(':').pop() ?? executionArn,
          stopDate,
          state,
          error: details.error ?? null,
          cause: details.cause ?? null,
          functionReference: eventType === 'ExecutionFailed' ? null : functionReference,
          eventType,
        };
      }
    }
  }
  return {
    executionArn,
    executionName: executionArn.split(':').pop() ?? executionArn,
    stopDate,
    state,
    error: null,
    cause: null,
    functionReference: null,
    eventType: null,
  };
}

// The Step Functions package is imported on first use, as the client is (aws/clients.ts): most
// investigations read no state machine.

/** DescribeStateMachine: `STANDARD` or `EXPRESS`. */
export async function describeStateMachine(aws: AwsClients, stateMachineArn: string): Promise<string | null> {
  const { DescribeStateMachineCommand } = await import('@aws-sdk/client-sfn');
  const answer = await runFactCall({ service: SFN, command: 'DescribeStateMachine' }, (options) =>
    aws.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }), options),
  );
  return answer.type ?? null;
}

/** ListExecutions (FAILED): the newest failed executions, whose histories tell what fails now. */
export async function listFailedExecutions(aws: AwsClients, stateMachineArn: string): Promise<FailedExecution[]> {
  const { ListExecutionsCommand } = await import('@aws-sdk/client-sfn');
  const answer = await runFactCall({ service: SFN, command: 'ListExecutions' }, (options) =>
    aws.sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'FAILED', maxResults: 10 }), options),
  );
  return (answer.executions ?? []).slice(0, FAILED_EXECUTIONS_READ).map((execution) => {
    const executionArn = execution.executionArn ?? '';
    return {
      executionArn,
      executionName: executionArn.split(':').pop() ?? executionArn,
      stopDate: execution.stopDate ? new Date(execution.stopDate).toISOString() : null,
    };
  });
}

/** GetExecutionHistory of each execution: where and why it failed; a history that fails to read is left out. */
export async function executionFailuresOf(
  aws: AwsClients,
  executions: readonly FailedExecution[],
  failures: unknown[],
): Promise<ExecutionFailure[]> {
  const { GetExecutionHistoryCommand } = await import('@aws-sdk/client-sfn');
  const read = await Promise.all(
    executions.map(({ executionArn, stopDate }) =>
      attempt(async () => {
        const history = await runFactCall({ service: SFN, command: 'GetExecutionHistory' }, (options) =>
          aws.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: HISTORY_EVENTS }), options),
        );
        return failureOf(history.events ?? [], executionArn, stopDate);
      }, failures),
    ),
  );
  return read.filter((failure): failure is ExecutionFailure => failure !== null);
}

/** A state machine is read by its ARN, which discovery takes from the alarm. */
export function stateMachineArnOf(resource: Resource): string {
  if (!resource.arn) throw new ResourceArnUnknownError(`state machine ${resource.name}: its ARN is not known`);
  return resource.arn;
}

/** DescribeStateMachine, ListExecutions (FAILED), and GetExecutionHistory of the newest failed ones. */
export async function readStateMachine(aws: AwsClients, resource: Resource): Promise<GatheredEvidence<StepFunctionsEvidence>> {
  const failures: unknown[] = [];
  const evidence = emptyStateMachineEvidence(resource);
  const arn = await attempt(async () => stateMachineArnOf(resource), failures);
  if (!arn) return { evidence, failures, nothingRead: true };
  const [machineType, executions] = await Promise.all([
    attempt(() => describeStateMachine(aws, arn), failures),
    attempt(() => listFailedExecutions(aws, arn), failures),
  ]);
  evidence.machineType = machineType;
  if (executions) {
    evidence.failedExecutions = executions;
    evidence.failures = await executionFailuresOf(aws, executions, failures);
  }
  return { evidence, failures, nothingRead: machineType === null && executions === null };
}

export function emptyStateMachineEvidence(resource: Resource): StepFunctionsEvidence {
  return {
    stateMachineName: resource.name,
    stateMachineArn: resource.arn ?? null,
    machineType: null,
    failedExecutions: null,
    failures: null,
  };
}
