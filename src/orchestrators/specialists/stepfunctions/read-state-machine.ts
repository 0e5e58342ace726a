import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Resource } from '../../../report/report.js';
import { AWS_SERVICES, type AwsClients } from '../../aws/clients.js';
import { attempt } from '../../facts/attempt.js';
import { runFactCall } from '../../facts/fact-call.js';
import type { GatheredEvidence } from '../resource-specialist.js';
import type { ExecutionFailure, StepFunctionsEvidence } from './stepfunctions-evidence.js';

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

/** DescribeStateMachine, ListExecutions (FAILED), and GetExecutionHistory of the newest failed ones. */
export async function readStateMachine(aws: AwsClients, resource: Resource): Promise<GatheredEvidence<StepFunctionsEvidence>> {
  const failures: unknown[] = [];
  const arn = resource.arn ?? null;
  const evidence: StepFunctionsEvidence = { stateMachineName: resource.name, stateMachineArn: arn, machineType: null, failures: null };
  if (!arn) return { evidence, failures: [new Error(`state machine ${resource.name}: its ARN is not known`)], nothingRead: true };
  // Imported on first use, as the client is (aws/clients.ts): most investigations read no state machine.
  const { DescribeStateMachineCommand, GetExecutionHistoryCommand, ListExecutionsCommand } = await import('@aws-sdk/client-sfn');
  const [description, executions] = await Promise.all([
    attempt(
      () =>
        runFactCall({ service: SFN, command: 'DescribeStateMachine' }, (options) =>
          aws.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }), options),
        ),
      failures,
    ),
    attempt(
      () =>
        runFactCall({ service: SFN, command: 'ListExecutions' }, (options) =>
          aws.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'FAILED', maxResults: 10 }), options),
        ),
      failures,
    ),
  ]);
  evidence.machineType = description?.type ?? null;
  if (executions) {
    const latest = (executions.executions ?? []).slice(0, FAILED_EXECUTIONS_READ);
    const read = await Promise.all(
      latest.map((execution) =>
        attempt(async () => {
          const executionArn = execution.executionArn ?? '';
          const history = await runFactCall({ service: SFN, command: 'GetExecutionHistory' }, (options) =>
            aws.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: HISTORY_EVENTS }), options),
          );
          return failureOf(history.events ?? [], executionArn, execution.stopDate ? new Date(execution.stopDate).toISOString() : null);
        }, failures),
      ),
    );
    evidence.failures = read.filter((failure): failure is ExecutionFailure => failure !== null);
  }
  return { evidence, failures, nothingRead: description === null && executions === null };
}
