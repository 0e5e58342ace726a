import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { EXAMPLES_DIR, loadScenario } from '../bench/scenarios.js';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { DirectInvocationOrchestrator } from '../src/orchestrators/direct-invocation.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { hypothesesAnswer, isLead, runAgentTools, toolResults } from './support/agent-run.js';
import { type OpenAiStubServer, type StubRequest, startOpenAiStub, toolCall } from './support/openai-stub-server.js';
import { type RecordedSim, startRecordedSim } from './support/recorded-sim.js';

/** llm-sim behind a stub that keeps every request, so a test can read what the models were sent. */
let recorded: RecordedSim;
beforeAll(async () => {
  recorded = await startRecordedSim();
});
afterAll(async () => recorded.close());

let stub: OpenAiStubServer | undefined;
afterEach(async () => {
  recorded.requests.length = 0;
  await stub?.close();
  stub = undefined;
});

const toolNames = (request: { tools?: Array<{ function: { name: string } }> }) => request.tools?.map((tool) => tool.function.name);

/** direct_invocation with no model on the same recording. */
async function directReport(example: string) {
  const scenario = loadScenario(join(EXAMPLES_DIR, example));
  return runInvestigation(
    new DirectInvocationOrchestrator(createAwsClients({ region: scenario.alarm.region ?? 'us-east-1', replay: scenario.recording }), null),
    { investigationId: scenario.investigationId, alarm: scenario.alarm },
    winston.createLogger({ silent: true }),
  );
}

describe('agent_tools: a lead agent with one tool per specialist', () => {
  it('announces itself, delegates to a specialist that starts a fresh conversation with its own tools, and reports', async () => {
    const { report, logs } = await runAgentTools('lambda-timeout.json', recorded.url);

    expect(report.status).toBe('completed');
    expect(report.root_cause?.type).toBe('timeout');
    expect(logs[0]).toMatchObject({
      message: 'AGENTS-AS-TOOLS ORCHESTRATION',
      orchestrator_type: 'agent_tools',
      investigation_id: report.investigation_id,
    });

    const [leadFirst, ...rest] = recorded.requests;
    expect(toolNames(leadFirst!)).toEqual([
      'investigate_lambda_function',
      'investigate_api_gateway',
      'investigate_dynamodb_table',
      'investigate_sqs_queue',
      'investigate_sns_topic',
      'investigate_step_function',
      'get_lambda_config',
      'get_lambda_logs',
      'get_lambda_metrics',
      'get_api',
      'get_integrations',
      'get_stage',
      'describe_table',
      'get_table_metrics',
      'get_queue_attributes',
      'list_dead_letter_source_queues',
      'list_event_source_mappings',
      'describe_state_machine',
      'list_failed_executions',
      'get_execution_history',
    ]);
    const specialist = rest.filter((request) => !isLead(request));
    expect(specialist[0]?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(specialist[0]?.messages[0]?.content).toMatch(/^You are the Lambda function specialist/);
    expect(specialist[0]?.messages[1]?.content).toContain('"resources":["lambda:orders-api"]');
    expect(toolNames(specialist[0]!)).toEqual(['get_lambda_config', 'get_lambda_logs', 'get_lambda_metrics']);
    expect(recorded.requests.every((request) => request.parallel_tool_calls === false)).toBe(true);
    // The lead's second turn carries the specialist's answer as a tool result.
    const leadLast = recorded.requests.filter(isLead).at(-1)!;
    expect(JSON.parse(toolResults(leadLast)[0] ?? '').hypotheses[0].type).toBe('timeout');
  });

  it('reports the same facts as direct for the same recording: both read through the same fact tools', async () => {
    const { report } = await runAgentTools('python-dynamodb-throttled.json', recorded.url);
    const direct = await directReport('python-dynamodb-throttled.json');
    expect(report.facts).toEqual(direct.facts);
    expect(report.resources).toEqual(direct.resources);
  });

  it('never sends an environment value to a model, only variable names', async () => {
    const example = 'python-missing-env-var.json';
    const secret = (
      JSON.parse(readFileSync(join(EXAMPLES_DIR, example), 'utf8')) as {
        calls: Array<{ output?: { Environment?: { Variables?: Record<string, string> } } }>;
      }
    ).calls
      .flatMap((call) => Object.entries(call.output?.Environment?.Variables ?? {}))
      .find(([name]) => name === 'STRIPE_API_KEY')?.[1];
    expect(secret).toMatch(/^sk_live_/);
    const { report } = await runAgentTools(example, recorded.url);
    const sent = JSON.stringify(recorded.requests);
    expect(report.status).toBe('completed');
    expect(sent).toContain('STRIPE_API_KEY');
    expect(sent).not.toContain(secret);
  });

  it('hands a failed fact tool back to the model as an error and goes on', async () => {
    const { report } = await runAgentTools('lambda-timeout.json', recorded.url, { withoutCommands: ['GetMetricData'] });
    expect(report.status).toBe('completed');
    expect(report.warnings).toEqual([
      expect.stringMatching(/^lambda specialist: get_lambda_metrics failed: cloudwatch GetMetricData failed: ResourceNotFoundException/),
    ]);
    const metricsResult = recorded.requests.flatMap(toolResults).find((content) => content.includes('GetMetricData'));
    expect(JSON.parse(metricsResult ?? '{}').error).toMatch(/^cloudwatch GetMetricData failed/);
  });

  it('logs "<name> specialist failed" when a specialist conversation fails, and the lead still answers', async () => {
    stub = await startOpenAiStub((request) => {
      if (!isLead(request)) return { status: 400, body: { error: { message: 'context length exceeded', type: 'invalid_request_error' } } };
      return toolResults(request).length === 0
        ? { message: { tool_calls: [toolCall('c1', 'investigate_lambda_function', { function_name: 'orders-api' })] } }
        : { message: { content: hypothesesAnswer('unknown', 0.1) } };
    });
    const { report, logs } = await runAgentTools('lambda-timeout.json', stub.url);

    expect(report.status).toBe('completed');
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringMatching(/^lambda specialist failed: 400 context length exceeded/) }),
    );
    expect(report.warnings).toEqual([expect.stringMatching(/^lambda specialist failed: 400/)]);
    expect(report.root_cause?.type).toBe('unknown');
  });
});

describe('agent_tools bounds: a run that hits one ends failed, saying which', () => {
  it('stops at the tool-call limit', async () => {
    const { report } = await runAgentTools('lambda-timeout.json', recorded.url, { limits: { maxToolCalls: 2 } });
    expect(report.status).toBe('failed');
    expect(report.error).toBe('agent_tools stopped: tool-call limit of 2 reached (next call: get_lambda_logs)');
  });

  it('stops when the token budget is spent', async () => {
    const { report } = await runAgentTools('lambda-timeout.json', recorded.url, { limits: { tokenBudget: 1_000 } });
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/^agent_tools stopped: token budget of 1000 exhausted \(\d+ tokens in \d+ LLM calls\)$/);
    // The whole run takes six calls; the one that crossed the budget was the last.
    expect(recorded.requests.length).toBeLessThan(6);
    // The tokens spent before stopping still count in the failed report.
    expect(report.usage.llm_calls).toBe(recorded.requests.length);
    expect(report.usage.total_tokens).toBeGreaterThan(1_000);
    expect(report.error).toContain(`(${report.usage.total_tokens} tokens in ${report.usage.llm_calls} LLM calls)`);
  });

  it('stops at the per-call timeout when the model never answers', async () => {
    stub = await startOpenAiStub(() => 'hang');
    const { report, elapsedMs } = await runAgentTools('lambda-timeout.json', stub.url, { timeoutMs: 300 });
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/timed out/i);
    expect(elapsedMs).toBeLessThan(3_000);
  });
});

const calledTools = (requests: readonly StubRequest[]) =>
  requests
    .flatMap((request) => request.messages.flatMap((m) => m.tool_calls ?? []).map((call) => call.function))
    .filter(
      // Each request repeats the conversation so far: keep each call once.
      (call, index, all) => all.findIndex((other) => other.name === call.name && other.arguments === call.arguments) === index,
    );

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
