import type { Resource } from '../../../report/report.js';
import { AWS_SERVICES, type AwsClients } from '../../aws/clients.js';
import { attempt } from '../../facts/attempt.js';
import { runFactCall } from '../../facts/fact-call.js';
import { DEFAULT_METRIC_PERIOD_SECONDS, fetchMetricValues, type MetricQuery, maxOrNull, sumOrNull } from '../../facts/metric-data.js';
import type { TimeWindow } from '../../investigation-window.js';
import type { GatheredEvidence } from '../resource-specialist.js';
import type { DynamoDbEvidence, TableDescription, TableUsage } from './dynamodb-evidence.js';

/** The operations whose throttling CloudWatch reports per operation. */
const OPERATIONS = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactWriteItems',
];

/** DescribeTable: billing mode, provisioned capacity and the global secondary indexes. */
export async function describeTable(aws: AwsClients, tableName: string): Promise<TableDescription> {
  // Imported on first use, as the client is (aws/clients.ts): most investigations read no table.
  const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  const answer = await runFactCall({ service: AWS_SERVICES.dynamodb.name, command: 'DescribeTable' }, (options) =>
    aws.dynamodb.send(new DescribeTableCommand({ TableName: tableName }), options),
  );
  const table = answer.Table;
  const onDemand = table?.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
  const units = (value: number | undefined) => (onDemand || !value ? null : value);
  return {
    billingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    status: table?.TableStatus ?? null,
    readCapacityUnits: units(table?.ProvisionedThroughput?.ReadCapacityUnits),
    writeCapacityUnits: units(table?.ProvisionedThroughput?.WriteCapacityUnits),
    indexes: (table?.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName ?? '',
      readCapacityUnits: units(index.ProvisionedThroughput?.ReadCapacityUnits),
      writeCapacityUnits: units(index.ProvisionedThroughput?.WriteCapacityUnits),
    })),
  };
}

function usageQueries(tableName: string, indexes: readonly string[]): MetricQuery[] {
  const table = { TableName: tableName };
  const metric = (id: string, name: string, stat: string, dimensions: Record<string, string> = table): MetricQuery => ({
    id,
    namespace: 'AWS/DynamoDB',
    metric: name,
    stat,
    dimensions,
  });
  return [
    metric('consumed_read', 'ConsumedReadCapacityUnits', 'Sum'),
    metric('consumed_write', 'ConsumedWriteCapacityUnits', 'Sum'),
    metric('read_throttles', 'ReadThrottleEvents', 'Sum'),
    metric('write_throttles', 'WriteThrottleEvents', 'Sum'),
    ...OPERATIONS.map((operation, index) => metric(`op_${index}`, 'ThrottledRequests', 'Sum', { ...table, Operation: operation })),
    ...indexes.map((index, at) => metric(`gsi_${at}`, 'WriteThrottleEvents', 'Sum', { ...table, GlobalSecondaryIndexName: index })),
  ];
}

function throttled(values: Map<string, number[]>, names: readonly string[], prefix: string): Record<string, number> {
  const counts = names.map((name, index) => [name, sumOrNull(values.get(`${prefix}${index}`)) ?? 0] as const);
  return Object.fromEntries(counts.filter(([, count]) => count > 0));
}

/** One GetMetricData for consumed capacity and throttles by table, operation and index over the window. */
export async function readUsage(aws: AwsClients, tableName: string, indexes: readonly string[], window: TimeWindow): Promise<TableUsage> {
  const values = await fetchMetricValues(aws, usageQueries(tableName, indexes), window);
  const perSecond = (id: string) => {
    const peak = maxOrNull(values.get(id));
    return peak === null ? null : Math.round((peak / DEFAULT_METRIC_PERIOD_SECONDS) * 10) / 10;
  };
  return {
    peakConsumedReadPerSecond: perSecond('consumed_read'),
    peakConsumedWritePerSecond: perSecond('consumed_write'),
    readThrottleEvents: sumOrNull(values.get('read_throttles')),
    writeThrottleEvents: sumOrNull(values.get('write_throttles')),
    throttledByOperation: throttled(values, OPERATIONS, 'op_'),
    throttledByIndex: throttled(values, indexes, 'gsi_'),
  };
}

/** DescribeTable, then one GetMetricData for consumed capacity and throttles by table, operation and index. */
export async function readTable(aws: AwsClients, resource: Resource, window: TimeWindow): Promise<GatheredEvidence<DynamoDbEvidence>> {
  const failures: unknown[] = [];
  const table = await attempt(() => describeTable(aws, resource.name), failures);
  const indexes = table?.indexes.map((index) => index.name) ?? [];
  const usage = await attempt(() => readUsage(aws, resource.name, indexes, window), failures);
  return { evidence: { tableName: resource.name, table, usage }, failures, nothingRead: table === null && usage === null };
}
