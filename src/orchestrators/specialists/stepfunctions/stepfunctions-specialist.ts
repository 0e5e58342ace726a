import type { AlarmMetricRule } from '../alarm-metric-rules.js';
import { judgeReadOrFromAlarmMetrics } from '../alarm-metric-rules.js';
import { lambdaBehind } from '../lambda/lambda-resource.js';
import type { ResourceSpecialist } from '../resource-specialist.js';
import { readStateMachine } from './read-state-machine.js';
import type { StepFunctionsEvidence } from './stepfunctions-evidence.js';
import { STATE_MACHINE_NAME, stepFunctionsFactTools } from './stepfunctions-fact-tools.js';
import { stepFunctionsAdvice, stepFunctionsFacts, stepFunctionsHypotheses } from './stepfunctions-rules.js';

/** Only when no execution history could be read. */
const ALARM_METRIC_RULES: AlarmMetricRule[] = [
  {
    namespace: 'AWS/States',
    metric: /ExecutionsTimedOut/,
    type: 'timeout',
    confidence: 0.45,
    explain: (r) => `state machine ${r} executions time out`,
  },
  {
    namespace: 'AWS/States',
    metric: /ExecutionThrottled/,
    type: 'throttling',
    confidence: 0.45,
    explain: (r) => `state machine ${r} executions are throttled`,
  },
  {
    namespace: 'AWS/States',
    metric: /ExecutionsFailed/,
    type: 'code_error',
    confidence: 0.3,
    explain: (r) => `state machine ${r} executions fail`,
  },
];

/** State machines by ARN (the StateMachineArn dimension is one), followed to the Lambda of the failing task. */
export const stepFunctionsSpecialist: ResourceSpecialist<StepFunctionsEvidence> = {
  type: 'stepfunctions',
  noun: 'Step Functions state machine',
  agentTool: { toolName: 'investigate_step_function', parameter: STATE_MACHINE_NAME },
  discovery: {
    arn: {
      service: 'states',
      read: ({ resource }) => {
        const name = /^stateMachine:([^:]+)/.exec(resource)?.[1];
        return name ? { name } : null;
      },
    },
    async follow(aws, resource) {
      const { evidence, failures } = await readStateMachine(aws, resource);
      const tasks = (evidence.failures ?? []).flatMap(({ functionReference: reference }) => {
        if (!reference) return [];
        const behind = lambdaBehind(reference, 'execution history');
        const name = reference.split(':')[0] ?? reference;
        return [
          behind ?? { type: 'lambda', name, ...(resource.region ? { region: resource.region } : {}), via: 'execution history' as const },
        ];
      });
      return { resources: tasks, failures };
    },
  },
  alarmMetricRules: ALARM_METRIC_RULES,
  evidence: {
    gather: (aws, resource) => readStateMachine(aws, resource),
    factTools: stepFunctionsFactTools,
    facts: stepFunctionsFacts,
  },
  hypotheses: judgeReadOrFromAlarmMetrics(ALARM_METRIC_RULES, stepFunctionsHypotheses, (e) =>
    e.failures !== null ? e.stateMachineName : null,
  ),
  advice: stepFunctionsAdvice,
};
