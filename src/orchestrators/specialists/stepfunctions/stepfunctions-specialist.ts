import { judgeFromAlarmMetrics } from '../alarm-metric-rules.js';
import type { ResourceSpecialist } from '../resource-specialist.js';

/** State machines by ARN (the StateMachineArn dimension is one); judged from the alarm's metrics. */
export const stepFunctionsSpecialist: ResourceSpecialist = {
  type: 'stepfunctions',
  noun: 'Step Functions state machine',
  agentTool: { toolName: 'investigate_step_function', parameter: 'state_machine_name' },
  discovery: {
    arn: {
      service: 'states',
      read: ({ resource }) => {
        const name = /^stateMachine:([^:]+)/.exec(resource)?.[1];
        return name ? { name } : null;
      },
    },
  },
  alarmMetricRules: [
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
  ],
  hypotheses: judgeFromAlarmMetrics,
};
