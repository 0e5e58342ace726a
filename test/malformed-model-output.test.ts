import { afterEach, describe, expect, it } from 'vitest';
import { hypothesesAnswer, isLead, runAgentTools, toolResults } from './support/agent-run.js';
import { type OpenAiStubServer, type StubAnswer, type StubRequest, startOpenAiStub, toolCall } from './support/openai-stub-server.js';

const SCENARIO = 'lambda-timeout.json';
const FUNCTION = 'orders-api';

let stub: OpenAiStubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/**
 * A model that behaves except where the test says: the lead delegates the function once and then
 * answers; the specialist answers at once. `lead` and `specialist` replace either turn.
 */
async function model(overrides: {
  lead?: (request: StubRequest, turn: number) => StubAnswer | undefined;
  specialist?: (request: StubRequest, turn: number) => StubAnswer | undefined;
}) {
  stub = await startOpenAiStub((request) => {
    const turn = request.messages.filter((message) => message.role === 'assistant').length;
    if (isLead(request)) {
      return (
        overrides.lead?.(request, turn) ??
        (turn === 0
          ? { message: { tool_calls: [toolCall('lead-1', 'investigate_lambda_function', { function_name: FUNCTION })] } }
          : { message: { content: hypothesesAnswer('timeout', 0.9) } })
      );
    }
    return overrides.specialist?.(request, turn) ?? { message: { content: hypothesesAnswer('timeout', 0.9) } };
  });
  return stub;
}

const specialistRequests = (server: OpenAiStubServer) => server.requests.filter((request) => !isLead(request));
const leadRequests = (server: OpenAiStubServer) => server.requests.filter(isLead);

describe('agent_tools handles malformed model output and records it', () => {
  it('sends an answer that is not JSON back with the reason, and takes the corrected one', async () => {
    const server = await model({
      lead: (_request, turn) => (turn === 1 ? { message: { content: 'It is probably a timeout.' } } : undefined),
    });
    const { report } = await runAgentTools(SCENARIO, server.url);

    expect(report.status).toBe('completed');
    expect(report.root_cause).toMatchObject({ type: 'timeout', confidence: 0.9 });
    expect(report.warnings).toEqual([expect.stringMatching(/^lead agent: answer rejected: the model returned text that is not JSON/)]);
    const retry = leadRequests(server).at(-1);
    expect(retry?.messages.at(-1)?.content).toMatch(/^That answer was rejected: .*not JSON.*Answer again with only the JSON object/);
    expect(report.usage.llm_calls).toBe(server.requests.length);
  });

  it('ends failed, naming the turn limit, when the answer never has the right shape', async () => {
    const wrongShape = {
      message: { content: JSON.stringify({ hypotheses: [{ type: 'cosmic_rays', description: 'x', confidence: 0.9, evidence: [] }] }) },
    };
    const server = await model({ lead: (_request, turn) => (turn >= 1 ? wrongShape : undefined) });
    const { report } = await runAgentTools(SCENARIO, server.url, { limits: { maxTurns: 3 } });

    expect(report.status).toBe('failed');
    expect(report.error).toBe('lead agent reached the turn limit of 3 without a valid answer');
    expect(leadRequests(server)).toHaveLength(3);
  });

  it('answers a call of an unknown tool with an error listing the tools, and goes on', async () => {
    const server = await model({
      lead: (_request, turn) =>
        turn === 0
          ? { message: { tool_calls: [toolCall('x1', 'delete_function', { function_name: FUNCTION })] } }
          : turn === 1
            ? { message: { tool_calls: [toolCall('lead-1', 'investigate_lambda_function', { function_name: FUNCTION })] } }
            : undefined,
    });
    const { report } = await runAgentTools(SCENARIO, server.url);

    expect(report.status).toBe('completed');
    expect(report.warnings).toEqual(['lead agent called an unknown tool "delete_function"']);
    const result = JSON.parse(toolResults(leadRequests(server)[1]!)[0] ?? '');
    expect(result.error).toMatch(/^unknown tool "delete_function"; available: investigate_lambda_function, .*get_lambda_config/);
  });

  it.each([
    [
      'arguments that are not JSON',
      '{function_name: orders-api',
      /arguments that are not JSON: \{function_name: orders-api/,
      'arguments are not JSON',
    ],
    [
      'arguments of the wrong shape',
      { function: 42 },
      /arguments of the wrong shape: function_name: /,
      'arguments rejected: function_name: ',
    ],
    [
      'an empty function name',
      { function_name: '' },
      /arguments of the wrong shape: function_name: /,
      'arguments rejected: function_name: ',
    ],
  ])('refuses %s before anything runs', async (_what, args, warning, error) => {
    const server = await model({
      lead: (_request, turn) =>
        turn === 0 ? { message: { tool_calls: [toolCall('bad', 'investigate_lambda_function', args)] } } : undefined,
    });
    const { report } = await runAgentTools(SCENARIO, server.url);

    expect(report.status).toBe('completed');
    expect(report.warnings).toEqual([expect.stringMatching(warning)]);
    expect(specialistRequests(server)).toHaveLength(0);
    expect(JSON.parse(toolResults(leadRequests(server)[1]!)[0] ?? '').error).toContain(error);
  });

  it('stops an endless tool loop in a specialist: repeats are not run again, and the specialist fails at its turn limit', async () => {
    const server = await model({
      specialist: () => ({ message: { tool_calls: [toolCall('again', 'get_lambda_config', { function_name: FUNCTION })] } }),
    });
    const { report, logs, awsCalls } = await runAgentTools(SCENARIO, server.url, { limits: { maxTurns: 4 } });

    expect(report.status).toBe('completed');
    expect(specialistRequests(server)).toHaveLength(4);
    expect(awsCalls.filter((call) => call.command === 'GetFunctionConfiguration')).toHaveLength(1);
    expect(report.warnings).toEqual([
      'lambda specialist repeated the call get_lambda_config {"function_name":"orders-api"}',
      'lambda specialist repeated the call get_lambda_config {"function_name":"orders-api"}',
      'lambda specialist repeated the call get_lambda_config {"function_name":"orders-api"}',
      'lambda specialist failed: lambda specialist reached the turn limit of 4 without a valid answer',
    ]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'lambda specialist failed: lambda specialist reached the turn limit of 4 without a valid answer',
      }),
    );
    expect(JSON.parse(toolResults(leadRequests(server)[1]!)[0] ?? '')).toEqual({
      error: 'lambda specialist failed: lambda specialist reached the turn limit of 4 without a valid answer',
    });
  });

  it('ends an endless loop of the lead failed, naming the limit, without running the specialist again', async () => {
    const server = await model({
      lead: () => ({ message: { tool_calls: [toolCall('loop', 'investigate_lambda_function', { function_name: FUNCTION })] } }),
    });
    const { report, elapsedMs } = await runAgentTools(SCENARIO, server.url, { limits: { maxTurns: 5 } });

    expect(report.status).toBe('failed');
    expect(report.error).toBe('lead agent reached the turn limit of 5 without a valid answer');
    expect(specialistRequests(server)).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(5_000);
  });
});
