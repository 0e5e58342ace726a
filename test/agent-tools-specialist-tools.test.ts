import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { EXAMPLES_DIR, loadScenario } from '../bench/scenarios.js';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { DirectInvocationOrchestrator } from '../src/orchestrators/direct-invocation.js';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { hypothesesAnswer, isLead, runAgentTools, toolResults } from './support/agent-run.js';
import { type OpenAiStubServer, type StubRequest, startOpenAiStub, toolCall } from './support/openai-stub-server.js';

let sim: LlmSim;
/** llm-sim behind a stub that keeps every request, so a test can read what the models were sent. */
let recorded: OpenAiStubServer;
beforeAll(async () => {
  sim = await startLlmSim();
  recorded = await startOpenAiStub(async (request) => {
    const response = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    return { status: response.status, body: await response.json() };
  });
});
afterAll(async () => {
  await recorded.close();
  await sim.close();
});

let stub: OpenAiStubServer | undefined;
afterEach(async () => {
  recorded.requests.length = 0;
  await stub?.close();
  stub = undefined;
});

const calledTools = (requests: readonly StubRequest[]) =>
  requests
    .flatMap((request) => request.messages.flatMap((m) => m.tool_calls ?? []).map((call) => call.function))
    .filter(
      // Each request repeats the conversation so far: keep each call once.
      (call, index, all) => all.findIndex((other) => other.name === call.name && other.arguments === call.arguments) === index,
    );

async function directReport(example: string) {
  const scenario = loadScenario(join(EXAMPLES_DIR, example));
  return runInvestigation(
    new DirectInvocationOrchestrator(createAwsClients({ region: scenario.alarm.region ?? 'us-east-1', replay: scenario.recording }), null),
    { investigationId: scenario.investigationId, alarm: scenario.alarm },
    winston.createLogger({ silent: true }),
  );
}

const SPECIALISTS = [
  {
    example: 'sqs-dead-letter-queue-depth.json',
    prompt: /^You are the SQS queue specialist/,
    resource: { queue_name: 'payments-dlq' },
    tools: ['get_queue_attributes', 'list_dead_letter_source_queues', 'list_event_source_mappings'],
  },
  {
    example: 'apigateway-rest-integration-timeout.json',
    prompt: /^You are the API Gateway API specialist/,
    resource: { api_name: 'shop-api' },
    tools: ['get_api', 'get_integrations', 'get_stage'],
  },
  {
    example: 'stepfunctions-task-failed.json',
    prompt: /^You are the Step Functions state machine specialist/,
    resource: { state_machine_name: 'order-fulfilment' },
    tools: ['describe_state_machine', 'list_failed_executions', 'get_execution_history'],
  },
  {
    example: 'dynamodb-provisioned-write-throttled.json',
    prompt: /^You are the DynamoDB table specialist/,
    resource: { table_name: 'orders-table' },
    tools: ['describe_table', 'get_table_metrics'],
  },
];

describe('agent_tools: each specialist runs its own conversation over its own AWS tools', () => {
  it.each(SPECIALISTS)(
    '$example: the specialist holds only its tools, calls each one, and the report has direct’s facts',
    async (case_) => {
      const { report } = await runAgentTools(case_.example, recorded.url);
      expect(report.status).toBe('completed');
      // A dead-letter queue's source queue has a conversation of its own.
      const [name] = Object.values(case_.resource);
      const conversation = recorded.requests.filter(
        (request) =>
          !isLead(request) && case_.prompt.test(request.messages[0]?.content ?? '') && request.messages[1]?.content?.includes(`:${name}"`),
      );
      expect(conversation.length).toBe(case_.tools.length + 1);
      expect(conversation[0]?.tools?.map((tool) => tool.function.name)).toEqual(case_.tools);
      expect(calledTools(conversation)).toEqual(case_.tools.map((name) => ({ name, arguments: JSON.stringify(case_.resource) })));
      // Every tool answered with data, none with an error.
      expect(toolResults(conversation.at(-1)!).map((result) => JSON.parse(result).error)).toEqual(case_.tools.map(() => undefined));
      const direct = await directReport(case_.example);
      expect(report.root_cause?.type).toBe(direct.root_cause?.type);
      expect([...report.facts].sort((a, b) => a.content.localeCompare(b.content))).toEqual(
        [...direct.facts].sort((a, b) => a.content.localeCompare(b.content)),
      );
      expect(report.resources).toEqual(direct.resources);
    },
  );

  it('a part that fails is the tool’s error, tracked as a missing fact; the other parts still read', async () => {
    const { report } = await runAgentTools('sqs-backlog-failing-consumer.json', recorded.url, {
      throttledCommands: ['ListEventSourceMappings'],
    });
    expect(report.status).toBe('completed');
    // Discovery made the same call first: the failure is told once.
    expect((report.warnings ?? []).filter((w) => w.includes('ListEventSourceMappings'))).toEqual([
      expect.stringMatching(/^Failed to extract resources: lambda ListEventSourceMappings failed: ThrottlingException/),
    ]);
    const result = recorded.requests.flatMap(toolResults).find((content) => content.includes('ListEventSourceMappings'));
    expect(JSON.parse(result ?? '{}').error).toMatch(/^lambda ListEventSourceMappings failed: ThrottlingException/);
    expect(report.facts.map((f) => f.source)).toContain('sqs.GetQueueAttributes');
    expect(report.facts.map((f) => f.source)).not.toContain('lambda.ListEventSourceMappings');
    // Throttled: time may cure it, so nothing is concluded without it.
    expect(report.missing_facts).toContainEqual(expect.stringContaining('lambda ListEventSourceMappings failed: ThrottlingException'));
    expect(report.root_cause?.type).toBe('unknown');
  });

  it('a model may name only a discovered resource: any other is refused before AWS is called', async () => {
    stub = await startOpenAiStub((request) =>
      toolResults(request).length === 0
        ? { message: { tool_calls: [toolCall('c1', 'get_queue_attributes', { queue_name: 'someone-elses-queue' })] } }
        : { message: { content: hypothesesAnswer('unknown', 0.1) } },
    );
    const { report, awsCalls } = await runAgentTools('sqs-backlog-failing-consumer.json', stub.url);
    expect(report.status).toBe('completed');
    expect(JSON.parse(toolResults(stub.requests.at(-1)!)[0] ?? '{}').error).toBe(
      'someone-elses-queue is not among the discovered resources: orders-queue',
    );
    expect(awsCalls.some((call) => JSON.stringify(call.input).includes('someone-elses-queue'))).toBe(false);
  });
});
