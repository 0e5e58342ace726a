import type { Resource } from '../../../report/report.js';
import type { AlarmMetricRule } from '../alarm-metric-rules.js';
import { judgeReadOrFromAlarmMetrics } from '../alarm-metric-rules.js';
import { lambdaBehind } from '../lambda/lambda-resource.js';
import { nameDimension } from '../resource-discovery.js';
import type { ResourceSpecialist } from '../resource-specialist.js';
import { readQueue } from './read-queue.js';
import type { SqsEvidence } from './sqs-evidence.js';
import { QUEUE_NAME, sqsFactTools } from './sqs-fact-tools.js';
import { sqsAdvice, sqsFacts, sqsHypotheses } from './sqs-rules.js';

/** Only when nothing of the queue could be read: the metric points, it proves nothing. */
const ALARM_METRIC_RULES: AlarmMetricRule[] = [
  {
    namespace: 'AWS/SQS',
    metric: /ApproximateAgeOfOldestMessage|ApproximateNumberOfMessagesVisible/,
    type: 'unknown',
    confidence: 0.2,
    explain: (r) => `queue ${r} is backing up, but its consumer could not be read`,
  },
];

/** Queues by name or ARN, followed to their consumers and, for a dead-letter queue, to its sources. */
export const sqsSpecialist: ResourceSpecialist<SqsEvidence> = {
  type: 'sqs',
  noun: 'SQS queue',
  agentTool: { toolName: 'investigate_sqs_queue', parameter: QUEUE_NAME },
  discovery: {
    dimensions: { QueueName: nameDimension },
    arn: { service: 'sqs', read: ({ resource }) => ({ name: resource }) },
    async follow(aws, resource) {
      const { evidence, failures } = await readQueue(aws, resource.name);
      const consumers = (evidence.consumers ?? []).flatMap((c) => lambdaBehind(c.functionArn, 'event source mapping') ?? []);
      const sources = (evidence.deadLetterSources ?? []).map(
        (name): Resource => ({ type: 'sqs', name, ...(resource.region ? { region: resource.region } : {}), via: 'dead-letter source' }),
      );
      return { resources: [...sources, ...consumers], failures };
    },
  },
  alarmMetricRules: ALARM_METRIC_RULES,
  evidence: {
    gather: (aws, resource) => readQueue(aws, resource.name),
    factTools: sqsFactTools,
    facts: sqsFacts,
  },
  hypotheses: judgeReadOrFromAlarmMetrics(ALARM_METRIC_RULES, sqsHypotheses, (e) => (e.attributes !== null ? e.queueName : null)),
  advice: sqsAdvice,
};
