import { judgeFromAlarmMetrics } from '../alarm-metric-rules.js';
import { nameDimension } from '../resource-discovery.js';
import type { ResourceSpecialist } from '../resource-specialist.js';

/** Topics by name or ARN; judged from the alarm's metrics, with no rule of its own. */
export const snsSpecialist: ResourceSpecialist = {
  type: 'sns',
  noun: 'SNS topic',
  agentTool: { toolName: 'investigate_sns_topic', parameter: 'topic_name' },
  discovery: {
    dimensions: { TopicName: nameDimension },
    arn: {
      service: 'sns',
      // A subscription ARN is the topic ARN plus ":<subscription id>".
      read: ({ partition, region, account, resource }) => {
        const name = resource.split(':')[0];
        return name ? { name, arn: `arn:${partition}:sns:${region}:${account}:${name}` } : null;
      },
    },
  },
  hypotheses: judgeFromAlarmMetrics([]),
};
