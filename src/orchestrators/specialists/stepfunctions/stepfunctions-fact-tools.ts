import { type PartRead, partFactTools } from '../part-fact-tools.js';
import {
  describeStateMachine,
  emptyStateMachineEvidence,
  executionFailuresOf,
  listFailedExecutions,
  stateMachineArnOf,
} from './read-state-machine.js';
import type { FailedExecution, StepFunctionsEvidence } from './stepfunctions-evidence.js';
import { stepFunctionsFacts } from './stepfunctions-rules.js';

/** The argument of every Step Functions tool, the lead's delegation included. */
export const STATE_MACHINE_NAME = 'state_machine_name';

/** The executions listed before, or ListExecutions (answered once per investigation). */
const failedExecutions = async ({ aws, resource, known }: PartRead<StepFunctionsEvidence>): Promise<FailedExecution[]> =>
  known.failedExecutions ?? listFailedExecutions(aws, stateMachineArnOf(resource));

/** The state machine, its newest failed executions and their histories, each a tool of the Step Functions specialist. */
export const stepFunctionsFactTools = partFactTools<StepFunctionsEvidence>({
  type: 'stepfunctions',
  parameter: STATE_MACHINE_NAME,
  empty: emptyStateMachineEvidence,
  facts: stepFunctionsFacts,
  tools: [
    {
      name: 'describe_state_machine',
      description: 'Step Functions state machine type',
      read: async ({ aws, resource }) => ({ machineType: await describeStateMachine(aws, stateMachineArnOf(resource)) }),
    },
    {
      name: 'list_failed_executions',
      description: 'The newest failed executions of the state machine',
      read: async (input) => ({ failedExecutions: await failedExecutions(input) }),
      result: ({ failedExecutions: listed }) => ({
        failed_executions: (listed ?? []).map(({ executionName, stopDate }) => ({ execution: executionName, stopped: stopDate })),
      }),
    },
    {
      name: 'get_execution_history',
      description: 'Where the newest failed executions failed: the state, its error and cause, the Lambda task behind it',
      async read(input) {
        const executions = await failedExecutions(input);
        return { failedExecutions: executions, failures: await executionFailuresOf(input.aws, executions, input.failures) };
      },
    },
  ],
});
