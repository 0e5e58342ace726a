import type { Fact } from '../../../report/report.js';
import type { RuleHypothesis, RuleRootCause } from '../../rules/rule-hypothesis.js';
import type { DynamoDbEvidence } from './dynamodb-evidence.js';

/** Consumption this close to what is provisioned counts as the table being at capacity. */
const AT_CAPACITY = 0.8;

/** The rules of this file, by which a root cause they formed is advised on. */
const RULES = {
  indexThrottled: 'dynamodb.index-throttled',
  capacityUnread: 'dynamodb.capacity-unread',
  onDemandThrottled: 'dynamodb.on-demand-throttled',
  provisionedExhausted: 'dynamodb.provisioned-exhausted',
  hotPartition: 'dynamodb.hot-partition',
} as const;

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .map(([name, count]) => `${name} ×${count}`)
    .join(', ');
}

function capacityLine(evidence: DynamoDbEvidence): string {
  const { table, usage } = evidence;
  if (!table) return `${evidence.tableName}: description not read`;
  const provisioned =
    table.billingMode === 'PAY_PER_REQUEST'
      ? 'on-demand'
      : `provisioned ${table.readCapacityUnits ?? '?'} RCU / ${table.writeCapacityUnits ?? '?'} WCU`;
  const consumed = usage
    ? `, peak consumed ${usage.peakConsumedReadPerSecond ?? 'n/a'} RCU/s / ${usage.peakConsumedWritePerSecond ?? 'n/a'} WCU/s`
    : '';
  return `${evidence.tableName}: ${provisioned}${consumed}`;
}

function throttleLine(evidence: DynamoDbEvidence): string | null {
  const usage = evidence.usage;
  if (!usage) return null;
  const total = (usage.readThrottleEvents ?? 0) + (usage.writeThrottleEvents ?? 0);
  if (total === 0 && Object.keys(usage.throttledByIndex).length === 0) return null;
  const operations =
    Object.keys(usage.throttledByOperation).length > 0 ? `; throttled requests by operation: ${counts(usage.throttledByOperation)}` : '';
  const indexes = Object.keys(usage.throttledByIndex).length > 0 ? `; index write throttles: ${counts(usage.throttledByIndex)}` : '';
  return `${evidence.tableName}: ${usage.readThrottleEvents ?? 0} read and ${usage.writeThrottleEvents ?? 0} write throttle events${operations}${indexes}`;
}

export function dynamoDbFacts(evidence: DynamoDbEvidence): Fact[] {
  const facts: Fact[] = [];
  if (evidence.table)
    facts.push({ source: 'dynamodb.DescribeTable', content: capacityLine(evidence), confidence: 1, metadata: { ...evidence.table } });
  const throttles = throttleLine(evidence);
  if (evidence.usage) {
    facts.push({
      source: 'cloudwatch.GetMetricData',
      content: throttles ?? `${evidence.tableName}: no throttle events in the alarm window`,
      confidence: 0.95,
      metadata: { ...evidence.usage },
    });
  }
  return facts;
}

function atCapacity(consumed: number | null | undefined, provisioned: number | null | undefined): boolean {
  return consumed != null && provisioned != null && consumed >= AT_CAPACITY * provisioned;
}

/** Throttling explained by how the table is billed: provisioned capacity exceeded, on-demand's limits, or an index. */
export function dynamoDbHypotheses(evidence: DynamoDbEvidence): RuleHypothesis[] {
  const throttles = throttleLine(evidence);
  const { table, usage } = evidence;
  if (!throttles || !usage) return [];
  const quoted = [capacityLine(evidence), throttles];
  const indexes = Object.keys(usage.throttledByIndex);
  const tableThrottles = (usage.readThrottleEvents ?? 0) + (usage.writeThrottleEvents ?? 0);
  if (indexes.length > 0 && tableThrottles === 0) {
    return [
      {
        rule: RULES.indexThrottled,
        type: 'downstream_error',
        description: `the global secondary index ${indexes.join(', ')} of DynamoDB table ${evidence.tableName} is throttled, and its back-pressure throttles writes to the table`,
        confidence: 0.8,
        evidence: quoted,
      },
    ];
  }
  if (!table) {
    return [
      {
        rule: RULES.capacityUnread,
        type: 'downstream_error',
        description: `DynamoDB table ${evidence.tableName} throttles requests (${tableThrottles} throttle events); its capacity settings could not be read`,
        confidence: 0.6,
        evidence: [throttles],
      },
    ];
  }
  if (table.billingMode === 'PAY_PER_REQUEST') {
    return [
      {
        rule: RULES.onDemandThrottled,
        type: 'downstream_error',
        description:
          `on-demand DynamoDB table ${evidence.tableName} throttles requests (${tableThrottles} throttle events): on-demand throttles traffic ` +
          'that more than doubles its previous peak within 30 minutes, or a hot partition key beyond a partition’s limits',
        confidence: 0.75,
        evidence: quoted,
      },
    ];
  }
  const reads = atCapacity(usage.peakConsumedReadPerSecond, table.readCapacityUnits) && (usage.readThrottleEvents ?? 0) > 0;
  const writes = atCapacity(usage.peakConsumedWritePerSecond, table.writeCapacityUnits) && (usage.writeThrottleEvents ?? 0) > 0;
  const exhausted = [reads ? 'read' : '', writes ? 'write' : ''].filter(Boolean).join(' and ');
  return [
    {
      rule: exhausted ? RULES.provisionedExhausted : RULES.hotPartition,
      type: 'downstream_error',
      description: exhausted
        ? `DynamoDB table ${evidence.tableName} is throttled: its provisioned ${exhausted} capacity is exhausted (${capacityLine(evidence).split(': ')[1]})`
        : `DynamoDB table ${evidence.tableName} is throttled below its provisioned capacity: a hot partition key takes more than one partition serves`,
      confidence: exhausted ? 0.85 : 0.7,
      evidence: quoted,
    },
  ];
}

export function dynamoDbAdvice(rootCause: RuleRootCause, evidence: DynamoDbEvidence | null): string[] {
  const name = evidence?.tableName ?? 'the table';
  const retry = 'Make callers retry throttled requests with exponential backoff and jitter (the AWS SDKs do, within their retry limits).';
  if (rootCause.rule === RULES.indexThrottled) {
    return [`Raise the write capacity of the throttled index of ${name} (or its auto scaling maximum) to match the table's writes.`, retry];
  }
  if (rootCause.rule === RULES.onDemandThrottled) {
    return [
      `Spread the keys of ${name}: a hot partition key is throttled whatever the table's mode; or set warm throughput before a known spike.`,
      retry,
    ];
  }
  if (rootCause.rule === RULES.hotPartition)
    return [`Spread the writes of ${name} over more partition key values (write sharding).`, retry];
  const table = evidence?.table;
  return [
    `Raise the provisioned capacity of ${name} (now ${table?.readCapacityUnits ?? '?'} RCU / ${table?.writeCapacityUnits ?? '?'} WCU), enable auto scaling, or switch it to on-demand.`,
    retry,
  ];
}
