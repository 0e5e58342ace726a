import type { AlarmMetricRule } from '../alarm-metric-rules.js';
import { judgeReadOrFromAlarmMetrics } from '../alarm-metric-rules.js';
import { nameDimension } from '../resource-discovery.js';
import type { ResourceSpecialist } from '../resource-specialist.js';
import type { DynamoDbEvidence } from './dynamodb-evidence.js';
import { dynamoDbFactTools, TABLE_NAME } from './dynamodb-fact-tools.js';
import { dynamoDbAdvice, dynamoDbFacts, dynamoDbHypotheses } from './dynamodb-rules.js';
import { readTable } from './read-table.js';

/** Only when the table's usage could not be read. */
const ALARM_METRIC_RULES: AlarmMetricRule[] = [
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
];

/** Tables by name or ARN (a stream's or an index's names its table): billing mode, capacity and throttles. */
export const dynamoDbSpecialist: ResourceSpecialist<DynamoDbEvidence> = {
  type: 'dynamodb',
  noun: 'DynamoDB table',
  agentTool: { toolName: 'investigate_dynamodb_table', parameter: TABLE_NAME },
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
  alarmMetricRules: ALARM_METRIC_RULES,
  evidence: {
    gather: readTable,
    factTools: dynamoDbFactTools,
    facts: dynamoDbFacts,
  },
  hypotheses: judgeReadOrFromAlarmMetrics(ALARM_METRIC_RULES, dynamoDbHypotheses, (e) => (e.usage !== null ? e.tableName : null)),
  advice: dynamoDbAdvice,
};
