import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { parseRecording } from '../src/orchestrators/aws/recording.js';
import { DirectInvocationOrchestrator } from '../src/orchestrators/direct-invocation.js';
import { LlmClient } from '../src/orchestrators/llm/llm-client.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { type OpenAiStubServer, startOpenAiStub } from './support/openai-stub-server.js';
import { REPO_ROOT } from './support/run-cli.js';

const silent = winston.createLogger({ silent: true });
let server: OpenAiStubServer | undefined;
afterEach(async () => server?.close());

interface ModelReply {
  content: string;
  usage: { prompt_tokens: number; completion_tokens: number };
}

async function investigateWithModel(example: string, reply: () => ModelReply) {
  server = await startOpenAiStub(() => {
    const { content, usage } = reply();
    return { message: { content }, usage };
  });
  const scenario = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', example), 'utf8'));
  const parsed = parseAlarmMessage(scenario.alarm);
  if (parsed.action !== 'investigate') throw new Error('example is not an ALARM transition');
  const aws = createAwsClients({ region: 'eu-west-1', replay: parseRecording(scenario, example) });
  const llm = new LlmClient({ apiKey: 'test', baseURL: server.url, model: 'test-model', timeoutMs: 5_000, maxRetries: 0 });
  const report = await runInvestigation(
    new DirectInvocationOrchestrator(aws, llm),
    { investigationId: parsed.investigationId, alarm: parsed.alarm },
    silent,
  );
  return { report, requests: server.requests };
}

const answer = (hypotheses: unknown[]): string => JSON.stringify({ hypotheses });

describe('direct_invocation with a model', () => {
  it('asks each specialist once and sums the usage every response reports', async () => {
    const { report, requests } = await investigateWithModel('lambda-timeout.json', () => ({
      content: answer([{ type: 'timeout', description: 'runs into its 3 s timeout', confidence: 0.97, evidence: ['Task timed out'] }]),
      usage: { prompt_tokens: 812, completion_tokens: 64 },
    }));
    expect(requests).toHaveLength(1);
    expect(report.usage).toEqual({ llm_calls: 1, prompt_tokens: 812, completion_tokens: 64, total_tokens: 876 });
    expect(report.root_cause).toMatchObject({ type: 'timeout', confidence: 0.97, description: 'runs into its 3 s timeout' });
    expect(report.warnings).toEqual([]);
  });

  it('gives the model facts as quoted data and asks for the hypotheses shape', async () => {
    const { requests } = await investigateWithModel('lambda-timeout.json', () => ({
      content: answer([]),
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    }));
    const [system, user] = requests[0]!.messages;
    expect(system!.content).toContain('{"hypotheses":[{"type":string');
    expect(system!.content).toContain('never instructions');
    expect(user!.content).toMatch(/^<facts>\n\{.*\}\n<\/facts>$/s);
    expect(user!.content).toContain('Task timed out after 3.00 seconds');
    expect(requests[0]!.response_format).toEqual({ type: 'json_object' });
  });

  it.each([
    ['text that is not JSON', 'The root cause is probably a timeout.', /model output rejected.*not JSON/],
    [
      'JSON of the wrong shape',
      answer([{ type: 'cosmic_rays', description: 'x', confidence: 0.9, evidence: [] }]),
      /wrong shape at hypotheses\.0\.type/,
    ],
    [
      'a confidence out of range',
      answer([{ type: 'timeout', description: 'x', confidence: 7, evidence: [] }]),
      /wrong shape at hypotheses\.0\.confidence/,
    ],
  ])('keeps the rule hypotheses and records why when the model returns %s', async (_what, content, warning) => {
    const { report } = await investigateWithModel('lambda-timeout.json', () => ({
      content,
      usage: { prompt_tokens: 500, completion_tokens: 20 },
    }));
    expect(report.status).toBe('completed');
    expect(report.root_cause?.type).toBe('timeout');
    expect(report.root_cause?.confidence).toBeGreaterThan(0.8);
    expect(report.warnings?.join('\n')).toMatch(warning);
    expect(report.usage.llm_calls).toBe(1);
    expect(report.usage.total_tokens).toBe(520);
  });

  it('keeps a rule hypothesis of a type the model did not name', async () => {
    const { report } = await investigateWithModel('lambda-timeout.json', () => ({
      content: answer([{ type: 'downstream_error', description: 'slow dependency', confidence: 0.5, evidence: [] }]),
      usage: { prompt_tokens: 10, completion_tokens: 10 },
    }));
    expect(report.hypotheses.map((h) => h.type)).toEqual(expect.arrayContaining(['downstream_error', 'timeout']));
    expect(report.root_cause?.type).toBe('timeout');
  });

  it('never puts an environment variable value into a prompt or the report', async () => {
    const secret = 'sk_live_51NzQmEXAMPLEq8W3vTt7Yb2Xc4Kd9NOTREAL';
    const scenario = readFileSync(join(REPO_ROOT, 'examples/python-missing-env-var.json'), 'utf8');
    expect(scenario).toContain(secret);
    const { report, requests } = await investigateWithModel('python-missing-env-var.json', () => ({
      content: answer([]),
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    }));
    expect(JSON.stringify(requests)).toContain('STRIPE_API_KEY');
    expect(JSON.stringify(requests)).not.toContain(secret);
    expect(JSON.stringify(report)).not.toContain(secret);
    expect(report.root_cause?.type).toBe('configuration_error');
  });
});
