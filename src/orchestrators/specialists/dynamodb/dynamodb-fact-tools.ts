import { attempt } from '../../facts/attempt.js';
import { partFactTools } from '../part-fact-tools.js';
import type { DynamoDbEvidence } from './dynamodb-evidence.js';
import { dynamoDbFacts } from './dynamodb-rules.js';
import { describeTable, readUsage } from './read-table.js';

/** The argument of every DynamoDB tool, the lead's delegation included. */
export const TABLE_NAME = 'table_name';

/** The table's description and its capacity and throttle metrics, each a tool of the DynamoDB specialist. */
export const dynamoDbFactTools = partFactTools<DynamoDbEvidence>({
  type: 'dynamodb',
  parameter: TABLE_NAME,
  empty: ({ name }) => ({ tableName: name, table: null, usage: null }),
  facts: dynamoDbFacts,
  tools: [
    {
      name: 'describe_table',
      description: 'DynamoDB table billing mode, provisioned capacity and indexes',
      read: async ({ aws, resource }) => ({ table: await describeTable(aws, resource.name) }),
    },
    {
      name: 'get_table_metrics',
      description: 'DynamoDB consumed capacity and throttle events by operation and index around the alarm',
      async read({ aws, resource, window, known, failures }) {
        // The indexes come from the description, as in direct; without it only the table's own metrics are read.
        const table = known.table ?? (await attempt(() => describeTable(aws, resource.name), failures));
        const indexes = table?.indexes.map((index) => index.name) ?? [];
        return { usage: await readUsage(aws, resource.name, indexes, window) };
      },
    },
  ],
});
