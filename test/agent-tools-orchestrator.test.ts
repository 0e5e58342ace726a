import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { EXAMPLES_DIR, loadScenario } from '../bench/scenarios.js';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { DirectInvocationOrchestrator } from '../src/orchestrators/direct-invocation.js';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { hypothesesAnswer, isLead, runAgentTools, toolResults } from './support/agent-run.js';
import { type OpenAiStubServer, startOpenAiStub, toolCall } from './support/openai-stub-server.js';

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

const toolNames = (request: { tools?: Array<{ function: { name: string } }> }) => request.tools?.map((tool) => tool.function.name);

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
    const scenario = loadScenario(join(EXAMPLES_DIR, 'python-dynamodb-throttled.json'));
    const direct = await runInvestigation(
      new DirectInvocationOrchestrator(createAwsClients({ region: 'us-east-1', replay: scenario.recording }), null),
      { investigationId: scenario.investigationId, alarm: scenario.alarm },
      winston.createLogger({ silent: true }),
    );
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
