import { judgeFromAlarmMetrics } from '../alarm-metric-rules.js';
import { nameDimension } from '../resource-discovery.js';
import type { ResourceSpecialist } from '../resource-specialist.js';

/** Tables by name or ARN (a stream's or an index's names its table); judged from the alarm's metrics. */
export const dynamoDbSpecialist: ResourceSpecialist = {
  type: 'dynamodb',
  noun: 'DynamoDB table',
  agentTool: { toolName: 'investigate_dynamodb_table', parameter: 'table_name' },
  discovery: {
    dimensions: { TableName: nameDimension },
    arn: {
      service: 'dynamodb',
      read: ({ partition, region, account, resource }) => {
        const name = /^table\/([^/]+)/.exec(resource)?.[1];
        return name ? { name, arn: `arn:${partition}:dynamodb:${region}:${account}:table/${name}` } : null;
      },
    },
  },
  alarmMetricRules: [
    {
      namespace: 'AWS/DynamoDB',
      metric: /Throttl/i,
      type: 'downstream_error',
      confidence: 0.45,
      explain: (r) => `DynamoDB table ${r} is throttling requests`,
    },
    {
      namespace: 'AWS/DynamoDB',
      metric: /^SystemErrors$/,
      type: 'downstream_error',
      confidence: 0.4,
      explain: (r) => `DynamoDB table ${r} returns service errors`,
    },
    {
      namespace: 'AWS/DynamoDB',
      metric: /^UserErrors$/,
      type: 'configuration_error',
      confidence: 0.3,
      explain: (r) => `requests to DynamoDB table ${r} are rejected as invalid`,
    },
  ],
  hypotheses: judgeFromAlarmMetrics,
};
