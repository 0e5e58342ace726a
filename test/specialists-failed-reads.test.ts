import { describe, expect, it } from 'vitest';
import { investigateWithFailures } from './support/failing-replay.js';

const THROTTLED = { name: 'ThrottlingException', message: 'Rate exceeded' };
const DENIED = { name: 'AccessDeniedException', message: 'User is not authorized to perform this action' };

describe('a failed read of a specialist is a named gap, never a crash or an invented cause (real SDK clients, replayed)', () => {
  it('SQS: event source mappings throttled: the consumer stays unknown, the queue is still described', async () => {
    const report = await investigateWithFailures('sqs-backlog-failing-consumer', {
      'lambda ListEventSourceMappings': { name: 'TooManyRequestsException', message: 'Rate exceeded' },
    });
    expect(report.status).toBe('completed');
    // Discovery follows the queue with the specialist's own reads: the failure is told once.
    expect((report.warnings ?? []).filter((w) => w.includes('ListEventSourceMappings'))).toEqual([
      expect.stringMatching(/^Failed to extract resources: lambda ListEventSourceMappings failed: TooManyRequestsException/),
    ]);
    expect(report.resources.map((r) => `${r.type}:${r.name}`)).toEqual(['sqs:orders-queue']);
    expect(report.facts.map((f) => f.source)).toContain('sqs.GetQueueAttributes');
    expect(report.root_cause?.type).toBe('unknown');
  });

  it('SQS: a missing queue ends failed, naming the read', async () => {
    const report = await investigateWithFailures('sqs-backlog-failing-consumer', {
      'sqs GetQueueUrl': { name: 'QueueDoesNotExist', message: 'The specified queue does not exist.' },
    });
    expect(report.status).toBe('failed');
    expect(report.error).toContain('no AWS facts could be read for sqs orders-queue: sqs GetQueueUrl failed: QueueDoesNotExist');
  });

  it('API Gateway: the stage denied: integrations still lead to the function; the timeouts compared without the execution log', async () => {
    const report = await investigateWithFailures('apigateway-rest-integration-timeout', { 'api-gateway GetStage': DENIED });
    expect(report.status).toBe('completed');
    expect(report.warnings).toContainEqual(expect.stringContaining('api-gateway GetStage failed: AccessDeniedException'));
    expect(report.resources).toContainEqual(expect.objectContaining({ name: 'checkout-api', via: 'api integration' }));
    // Without the execution log the comparison of timeouts alone is a weaker timeout hypothesis.
    expect(report.root_cause).toMatchObject({ type: 'timeout', confidence: 0.45 });
  });

  it('Step Functions: histories missing: no failing task is invented', async () => {
    const report = await investigateWithFailures('stepfunctions-task-failed', {
      'sfn GetExecutionHistory': { name: 'ExecutionDoesNotExist', message: 'Execution does not exist' },
    });
    expect(report.status).toBe('completed');
    expect(report.warnings).toContainEqual(expect.stringContaining('sfn GetExecutionHistory failed: ExecutionDoesNotExist'));
    expect(report.resources.map((r) => r.type)).toEqual(['stepfunctions']);
    expect(report.root_cause?.type).toBe('unknown');
  });

  it('DynamoDB: the table description throttled: throttling is reported without claiming why', async () => {
    const report = await investigateWithFailures('dynamodb-provisioned-write-throttled', { 'dynamodb DescribeTable': THROTTLED });
    expect(report.status).toBe('completed');
    expect(report.warnings).toContainEqual(expect.stringContaining('dynamodb DescribeTable failed: ThrottlingException'));
    const table = report.hypotheses.find((h) => h.description.includes('orders-table'));
    expect(table?.description).toContain('its capacity settings could not be read');
    expect(table?.description).not.toMatch(/hot partition|provisioned/);
  });
});
