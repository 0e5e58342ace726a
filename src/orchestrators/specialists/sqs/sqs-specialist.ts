import { judgeFromAlarmMetrics } from '../alarm-metric-rules.js';
import { nameDimension } from '../resource-discovery.js';
import type { ResourceSpecialist } from '../resource-specialist.js';

/** Queues by name or ARN; judged from the alarm's metrics. */
export const sqsSpecialist: ResourceSpecialist = {
  type: 'sqs',
  noun: 'SQS queue',
  agentTool: { toolName: 'investigate_sqs_queue', parameter: 'queue_name' },
  discovery: {
    dimensions: { QueueName: nameDimension },
    arn: { service: 'sqs', read: ({ resource }) => ({ name: resource }) },
  },
  alarmMetricRules: [
    {
      namespace: 'AWS/SQS',
      metric: /ApproximateAgeOfOldestMessage|ApproximateNumberOfMessagesVisible/,
      type: 'throttling',
      confidence: 0.3,
      explain: (r) => `queue ${r} is backing up: its consumer is not keeping pace`,
    },
  ],
  hypotheses: judgeFromAlarmMetrics,
};
