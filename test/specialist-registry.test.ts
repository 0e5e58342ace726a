import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { toolDefinition } from '../src/orchestrators/agent-tools/agent-tool.js';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { DirectInvocationOrchestrator } from '../src/orchestrators/direct-invocation.js';
import type { SimChatRequest } from '../src/orchestrators/llm-sim/chat-request.js';
import { quotedData } from '../src/orchestrators/llm-sim/quoted-data.js';
import { nextToolCalls } from '../src/orchestrators/llm-sim/tool-policy.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { SPECIALISTS } from '../src/orchestrators/specialists/registry.js';
import type { NormalizedAlarm } from '../src/producer/alarm.js';

const aws = createAwsClients({ region: 'us-east-1', replay: { calls: [] } });
const isUnique = (values: string[]) => new Set(values).size === values.length;

describe('the specialist registry', () => {
  it('gives each specialist its own resource type, a lower-case word as `type:name` references need', () => {
    const types = SPECIALISTS.map((specialist) => specialist.type);
    expect(isUnique(types)).toBe(true);
    for (const type of types) expect(type).toMatch(/^[a-z][a-z0-9]*$/);
  });

  it('gives each specialist its own agent tool and parameter, so llm-sim knows which resource fills it', () => {
    expect(isUnique(SPECIALISTS.map((specialist) => specialist.agentTool.toolName))).toBe(true);
    // llm-sim tells a lead, which delegates, by these names.
    for (const specialist of SPECIALISTS) expect(specialist.agentTool.toolName).toMatch(/^investigate_/);
    expect(isUnique(SPECIALISTS.map((specialist) => specialist.agentTool.parameter))).toBe(true);
  });

  it('has every fact tool of a specialist take the parameter its delegation takes', () => {
    for (const specialist of SPECIALISTS) {
      const tools = specialist.evidence?.factTools(aws, { startTime: 0, endTime: 1 }, 1_000, []).tools ?? [];
      for (const tool of tools) {
        expect(toolDefinition(tool).function.parameters, `${specialist.type}: ${tool.name}`).toMatchObject({
          required: [specialist.agentTool.parameter],
        });
      }
    }
  });
});

describe('specialists that judge from the alarm metric alone', () => {
  const alarmOn = (namespace: string, metric: string, dimensions: Record<string, string>): NormalizedAlarm => ({
    name: 'crafted',
    arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:crafted',
    state: 'ALARM',
    previous_state: 'OK',
    reason: 'Threshold Crossed',
    region: 'us-east-1',
    account: '123456789012',
    namespace,
    metric,
    dimensions,
    time: '2024-03-12T10:20:00.000Z',
    format: 'eventbridge',
    children: [],
    metrics: [],
  });
  const stateMachine = 'arn:aws:states:us-east-1:123456789012:stateMachine:fulfil-order';

  it.each([
    [
      'AWS/SNS',
      'NumberOfNotificationsFailed',
      { TopicName: 'events' },
      'sns:events',
      'unknown',
      0.1,
      expect.stringMatching(/^no hypothesis was formed/),
    ],
  ])('%s %s', async (namespace, metric, dimensions, resource, type, confidence, description) => {
    const report = await runInvestigation(
      new DirectInvocationOrchestrator(aws, null),
      { investigationId: 'inv-registry', alarm: alarmOn(namespace, metric, dimensions) },
      winston.createLogger({ silent: true }),
    );
    expect(report.status).toBe('completed');
    expect(report.resources.map((r) => `${r.type}:${r.name}`)).toEqual([resource]);
    expect(report.root_cause).toEqual({ type, confidence, description });
  });

  // These specialists read AWS now: a resource of which nothing can be read is a named failure, not a guess from the metric's name.
  it.each([
    [
      'AWS/SQS',
      'ApproximateAgeOfOldestMessage',
      { QueueName: 'orders-q' },
      'sqs orders-q: sqs GetQueueUrl failed: ResourceNotFoundException',
    ],
    [
      'AWS/DynamoDB',
      'ReadThrottleEvents',
      { TableName: 'orders' },
      'dynamodb orders: dynamodb DescribeTable failed: ResourceNotFoundException',
    ],
    [
      'AWS/ApiGateway',
      '5XXError',
      { ApiName: 'shop', Stage: 'prod' },
      'apigateway shop: api-gateway GetRestApis failed: ResourceNotFoundException',
    ],
    [
      'AWS/States',
      'ExecutionsTimedOut',
      { StateMachineArn: stateMachine },
      'stepfunctions fulfil-order: sfn DescribeStateMachine failed: ResourceNotFoundException',
    ],
  ])('%s %s with nothing recorded ends failed, naming the read', async (namespace, metric, dimensions, error) => {
    const report = await runInvestigation(
      new DirectInvocationOrchestrator(aws, null),
      { investigationId: 'inv-registry', alarm: alarmOn(namespace, metric, dimensions) },
      winston.createLogger({ silent: true }),
    );
    expect(report.status).toBe('failed');
    expect(report.error).toContain(`no AWS facts could be read for ${error}`);
    expect(report.root_cause).toBeNull();
  });
});

describe('llm-sim reads the registry', () => {
  it('delegates each resource the facts name to its specialist, by that specialist’s parameter', () => {
    const request: SimChatRequest = {
      model: 'test-model',
      messages: [{ role: 'user', content: '<facts>\n{"resources":["sqs:orders-q","stepfunctions:fulfil-order"]}\n</facts>' }],
      tools: SPECIALISTS.map(({ agentTool: { toolName, parameter } }) => ({
        type: 'function' as const,
        function: {
          name: toolName,
          parameters: { type: 'object', properties: { [parameter]: { type: 'string' } }, required: [parameter] },
        },
      })),
    };
    expect(nextToolCalls(request, quotedData(request.messages))).toEqual([
      { name: 'investigate_sqs_queue', arguments: { queue_name: 'orders-q' } },
      { name: 'investigate_step_function', arguments: { state_machine_name: 'fulfil-order' } },
    ]);
  });
});
