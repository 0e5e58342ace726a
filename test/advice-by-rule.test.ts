import { describe, expect, it } from 'vitest';
import { conclude } from '../src/orchestrators/conclusion.js';
import { groundHypotheses } from '../src/orchestrators/grounding.js';
import type { DynamoDbEvidence } from '../src/orchestrators/specialists/dynamodb/dynamodb-evidence.js';
import { dynamoDbSpecialist } from '../src/orchestrators/specialists/dynamodb/dynamodb-specialist.js';
import type { SpecialistInput } from '../src/orchestrators/specialists/specialist-input.js';
import type { SqsEvidence } from '../src/orchestrators/specialists/sqs/sqs-evidence.js';
import { sqsSpecialist } from '../src/orchestrators/specialists/sqs/sqs-specialist.js';
import { HypothesisSchema, RootCauseSchema } from '../src/report/report.js';

const ALARM = { name: 'orders', namespace: 'AWS/SQS', metric: 'ApproximateAgeOfOldestMessage', metrics: [], reason: 'Threshold Crossed' };

function inputOf<Evidence>(evidence: Evidence, name: string, type: string): SpecialistInput<Evidence> {
  return { alarm: ALARM as unknown as SpecialistInput<Evidence>['alarm'], resources: [{ type, name }], evidence: [evidence], facts: [] };
}

const disabledQueue: SqsEvidence = {
  queueName: 'orders-queue',
  url: null,
  attributes: {
    arn: 'arn:aws:sqs:us-east-1:1:orders-queue',
    visibilityTimeoutSeconds: 30,
    messagesVisible: 40,
    messagesInFlight: 0,
    redrive: null,
  },
  deadLetterSources: [],
  consumers: [
    {
      uuid: 'esm-1',
      functionArn: 'arn:aws:lambda:us-east-1:1:function:worker',
      functionName: 'worker',
      state: 'Disabled',
      batchSize: 10,
      lastProcessingResult: null,
      stateTransitionReason: 'USER_INITIATED',
      functionTimeoutSeconds: 10,
    },
  ],
};

const onDemandTable: DynamoDbEvidence = {
  tableName: 'orders',
  table: { billingMode: 'PAY_PER_REQUEST', status: 'ACTIVE', readCapacityUnits: null, writeCapacityUnits: null, indexes: [] },
  usage: {
    peakConsumedReadPerSecond: 10,
    peakConsumedWritePerSecond: 900,
    readThrottleEvents: 0,
    writeThrottleEvents: 120,
    throttledByOperation: { PutItem: 120 },
    throttledByIndex: {},
  },
} as DynamoDbEvidence;

describe('advice follows the rule that formed the root cause, not the words of its description', () => {
  it('SQS: a disabled event source mapping is advised on as such, in the rules words or a model’s', () => {
    const fromRules = sqsSpecialist.hypotheses(inputOf(disabledQueue, 'orders-queue', 'sqs'));
    const evidence = [{ specialist: sqsSpecialist, name: 'orders-queue', evidence: disabledQueue }];
    expect(conclude(fromRules, evidence).advice.join('\n')).toContain('Enable the event source mapping esm-1');

    const reworded = groundHypotheses(
      'sqs specialist',
      [{ type: 'configuration_error', description: 'orders-queue has no active poller', confidence: 0.9, evidence: [] }],
      fromRules,
    );
    const conclusion = conclude(reworded.hypotheses, evidence);
    expect(conclusion.root_cause.description).toBe('orders-queue has no active poller');
    expect(conclusion.advice.join('\n')).toContain('Enable the event source mapping esm-1');
  });

  it('SQS: a description that merely quotes a rule’s words gets no advice of that rule', () => {
    const evidence = [{ specialist: sqsSpecialist, name: 'orders-queue', evidence: { ...disabledQueue, consumers: null } }];
    const quoted = [{ type: 'unknown' as const, description: 'orders-queue: visibility timeout unknown', confidence: 0.3, evidence: [] }];
    expect(conclude(quoted, evidence).advice.join('\n')).toMatch(/^Check the consumer of orders-queue/);
  });

  it('DynamoDB: on-demand throttling gets key-spreading advice however a model words it', () => {
    const fromRules = dynamoDbSpecialist.hypotheses(inputOf(onDemandTable, 'orders', 'dynamodb'));
    const evidence = [{ specialist: dynamoDbSpecialist, name: 'orders', evidence: onDemandTable }];
    const reworded = groundHypotheses(
      'dynamodb specialist',
      [{ type: 'downstream_error', description: 'orders: write bursts beyond what the table absorbs', confidence: 0.8, evidence: [] }],
      fromRules,
    );
    expect(conclude(reworded.hypotheses, evidence).advice[0]).toMatch(/^Spread the keys of orders/);
  });

  it('the report keeps its shape: no rule field in its hypotheses or root cause', () => {
    const fromRules = sqsSpecialist.hypotheses(inputOf(disabledQueue, 'orders-queue', 'sqs'));
    const conclusion = conclude(fromRules, [{ specialist: sqsSpecialist, name: 'orders-queue', evidence: disabledQueue }]);
    for (const hypothesis of conclusion.hypotheses) expect(HypothesisSchema.strict().parse(hypothesis)).toEqual(hypothesis);
    expect(RootCauseSchema.strict().parse(conclusion.root_cause)).toEqual(conclusion.root_cause);
  });
});
