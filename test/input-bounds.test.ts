import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { countTokens } from 'gpt-tokenizer/model/gpt-4o';
import { afterEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { loadScenario } from '../bench/scenarios.js';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { MAX_RECORDED_LOG_EVENTS, parseRecording } from '../src/orchestrators/aws/recording.js';
import { DirectInvocationOrchestrator } from '../src/orchestrators/direct-invocation.js';
import { PromptTooLargeError } from '../src/orchestrators/errors.js';
import { DEFAULT_MAX_EVENTS, MAX_MESSAGE_CHARS } from '../src/orchestrators/facts/log-limits.js';
import { LlmClient } from '../src/orchestrators/llm/llm-client.js';
import { MAX_PROMPT_CHARS } from '../src/orchestrators/llm/llm-settings.js';
import { countCompletionTokens, countPromptTokens } from '../src/orchestrators/llm-sim/token-count.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { MAX_ENQUEUE_ALARMS, MAX_ENQUEUE_FILE_BYTES, readAlarmBatch } from '../src/producer/alarm-batch.js';
import { MAX_ALARM_DIMENSIONS, MAX_ALARM_METRICS, MAX_ALARM_NAME_CHARS, MAX_ALARM_TEXT_CHARS } from '../src/producer/alarm-text.js';
import { parseInvestigationJob } from '../src/producer/investigation-job.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { ReportSchema } from '../src/report/report.js';
import { type OpenAiStubServer, startOpenAiStub } from './support/openai-stub-server.js';
import { REPO_ROOT, runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'promptrca-bounds-'));
const silent = winston.createLogger({ silent: true });
let stub: OpenAiStubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** Edits a scenario as an attacker would: freely, whatever its shape. */
type ScenarioEdit = (scenario: any) => void;

/** lambda-timeout, edited, written to a file of its own named `name`. */
function editedScenario(name: string, edit: ScenarioEdit): string {
  const scenario = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/lambda-timeout.json'), 'utf8'));
  edit(scenario);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(scenario));
  return path;
}

/** lambda-timeout with a state reason of `size` characters. */
function hugeReasonScenario(size: number): string {
  return editedScenario(`reason-${size}`, (scenario) => {
    scenario.alarm.detail.state.reason = `Threshold Crossed: ${'x'.repeat(size)}`;
  });
}

const MIB = 1024 * 1024;

/**
 * lambda-timeout whose alarm name and description are 1 MiB each, with 1,000 more dimensions of
 * 1,000 characters; `hugeResource`: the namespace and function name 1 MiB as well.
 */
const hugeNamesScenario = (hugeResource: boolean) =>
  editedScenario(`huge-names-${hugeResource}`, (scenario) => {
    const { detail } = scenario.alarm;
    detail.alarmName = `orders-api-errors-${'n'.repeat(MIB)}`;
    detail.configuration.description = 'd'.repeat(MIB);
    const { metric } = detail.configuration.metrics[0].metricStat;
    if (hugeResource) {
      metric.namespace = `AWS/Lambda${'s'.repeat(MIB)}`;
      metric.dimensions.FunctionName = `orders-api${'f'.repeat(MIB)}`;
    }
    for (let index = 0; index < 1_000; index += 1) metric.dimensions[`Extra${index}`] = 'v'.repeat(1_000);
  });

/** The requests a direct investigation of the scenario sends to a model that finds nothing. */
async function modelRequestsOf(scenario: ReturnType<typeof loadScenario>): Promise<OpenAiStubServer['requests']> {
  stub = await startOpenAiStub(() => ({ message: { content: JSON.stringify({ hypotheses: [] }) } }));
  const llm = new LlmClient({ apiKey: 'test', baseURL: stub.url, model: 'test-model', timeoutMs: 5_000, maxRetries: 0 });
  const aws = createAwsClients({ region: 'us-east-1', replay: scenario.recording });
  await runInvestigation(
    new DirectInvocationOrchestrator(aws, llm),
    { investigationId: scenario.investigationId, alarm: scenario.alarm },
    silent,
  );
  return stub.requests;
}

describe('alarm text is bounded at parse', () => {
  it('a 1 MB state reason gives a report under 200 KB, the reason cut with a marker', async () => {
    const result = await runCli([
      'investigate',
      '--alarm',
      hugeReasonScenario(1024 * 1024),
      '--orchestrator',
      'direct',
      '--llm',
      'none',
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBeLessThan(200 * 1024);
    const report = ReportSchema.parse(JSON.parse(result.stdout));
    expect(report.root_cause?.type).toBe('timeout');
    expect(JSON.stringify(report)).toMatch(/…\[truncated: \d+ more characters\]/);
  });

  it('and the prompt that carries it stays small', async () => {
    const scenario = loadScenario(hugeReasonScenario(1024 * 1024));
    expect(scenario.alarm.reason.length).toBeLessThan(MAX_ALARM_TEXT_CHARS + 100);
    const requests = await modelRequestsOf(scenario);
    expect(requests).toHaveLength(1);
    expect(JSON.stringify(requests[0]?.messages).length).toBeLessThan(32 * 1024);
  });
});

describe('names and dimensions an alarm carries are bounded at parse', () => {
  it(`cuts names to ${MAX_ALARM_NAME_CHARS} characters and keeps ${MAX_ALARM_DIMENSIONS} dimensions; the description is not kept`, () => {
    const scenario = JSON.parse(readFileSync(hugeNamesScenario(true), 'utf8'));
    const parsed = parseAlarmMessage(scenario.alarm);
    const { alarm } = parsed;
    expect(alarm.name.length).toBeLessThan(MAX_ALARM_NAME_CHARS + 50);
    expect(alarm.name).toMatch(/…\[truncated: \d+ more characters\]$/);
    expect(alarm.namespace?.length).toBeLessThan(MAX_ALARM_NAME_CHARS + 50);
    expect(Object.keys(alarm.dimensions)).toHaveLength(MAX_ALARM_DIMENSIONS);
    expect(alarm.dimensions.FunctionName?.length).toBeLessThan(MAX_ALARM_NAME_CHARS + 50);
    expect(JSON.stringify(alarm).length).toBeLessThan(64 * 1024);
    expect(JSON.stringify(alarm)).not.toContain('ddd');
  });

  it('so a 1 MiB function name, alarm name and description give a report under 200 KB', async () => {
    const result = await runCli(['investigate', '--alarm', hugeNamesScenario(true), '--orchestrator', 'direct', '--llm', 'none', '--json']);
    expect(result.stderr).not.toContain('Error:');
    expect(result.stdout.length).toBeLessThan(200 * 1024);
    expect(ReportSchema.parse(JSON.parse(result.stdout)).alarm?.name).toMatch(/^orders-api-errors-n+…\[truncated/);
  });

  it('and the prompt that carries them is sent, and small', async () => {
    const requests = await modelRequestsOf(loadScenario(hugeNamesScenario(false)));
    expect(requests).toHaveLength(1);
    expect(JSON.stringify(requests[0]?.messages).length).toBeLessThan(64 * 1024);
  });
});

describe('a job written by another program', () => {
  it('has its alarm bounded as at parse when a worker takes it', () => {
    const { alarm } = parseAlarmMessage(JSON.parse(readFileSync(join(REPO_ROOT, 'examples/lambda-timeout.json'), 'utf8')).alarm);
    const huge = {
      ...alarm,
      name: 'n'.repeat(MIB),
      reason: 'r'.repeat(MIB),
      dimensions: Object.fromEntries(Array.from({ length: 1_000 }, (_, index) => [`D${index}`, 'v'.repeat(10_000)])),
      children: Array.from({ length: 10_000 }, (_, index) => `child-${index}`),
    };
    const job = parseInvestigationJob('inv-huge', { investigation_id: 'inv-huge', alarm: huge, received_at: 'now', source: 'other' });
    expect(job.alarm.name.length).toBeLessThan(MAX_ALARM_NAME_CHARS + 50);
    expect(job.alarm.reason.length).toBeLessThan(MAX_ALARM_TEXT_CHARS + 50);
    expect(Object.keys(job.alarm.dimensions)).toHaveLength(MAX_ALARM_DIMENSIONS);
    expect(job.alarm.children).toHaveLength(MAX_ALARM_METRICS);
    expect(JSON.stringify(job.alarm).length).toBeLessThan(64 * 1024);
  });
});

describe('a model call is bounded', () => {
  it(`refuses a prompt over ${MAX_PROMPT_CHARS} characters before sending it`, async () => {
    stub = await startOpenAiStub(() => ({ message: { content: '{}' } }));
    const session = new LlmClient({ apiKey: 'test', baseURL: stub.url, model: 'test-model', timeoutMs: 5_000, maxRetries: 0 }).session(
      silent,
    );
    const huge = 'y '.repeat(MAX_PROMPT_CHARS / 2 + 1);
    await expect(session.chat({ messages: [{ role: 'user', content: huge }] })).rejects.toBeInstanceOf(PromptTooLargeError);
    expect(stub.requests).toHaveLength(0);
  });
});

describe("llm-sim's token counting", () => {
  it('counts 100k repeated characters in well under a second, and ordinary text as the tokenizer does', () => {
    const started = performance.now();
    const tokens = countPromptTokens({ messages: [{ role: 'user', content: 'a'.repeat(100_000) }] } as Parameters<
      typeof countPromptTokens
    >[0]);
    const completion = countCompletionTokens('b'.repeat(100_000), []);
    const elapsedMs = performance.now() - started;
    console.log(`100k repeated characters, prompt and completion: ${elapsedMs.toFixed(0)} ms`);
    expect(elapsedMs).toBeLessThan(500);
    expect(tokens).toBeGreaterThan(100_000 / 256);
    expect(completion).toBeGreaterThan(100_000 / 256);
    const ordinary = 'Task timed out after 3.00 seconds while calling the inventory API';
    expect(countCompletionTokens(ordinary, [])).toBe(countTokens(ordinary));
  });
});

describe('enqueue --alarm is bounded before anything is enqueued', () => {
  it(`refuses a file over ${MAX_ENQUEUE_FILE_BYTES} bytes without reading it whole, file or standard input`, async () => {
    const path = join(dir, 'huge.jsonl');
    writeFileSync(path, '');
    truncateSync(path, MAX_ENQUEUE_FILE_BYTES + 1);
    expect(() => readAlarmBatch(path)).toThrow(`cannot read alarm file ${path}: larger than the ${MAX_ENQUEUE_FILE_BYTES} bytes allowed`);
    const piped = await runCli(['enqueue', '--alarm', '-'], {}, 20_000, 'x'.repeat(MAX_ENQUEUE_FILE_BYTES + 10));
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('cannot read alarm file standard input: larger than');
  });

  it(`refuses more than ${MAX_ENQUEUE_ALARMS} alarms in one file, saying so`, () => {
    const path = join(dir, 'many.jsonl');
    writeFileSync(path, '{}\n'.repeat(MAX_ENQUEUE_ALARMS + 1));
    expect(() => readAlarmBatch(path)).toThrow(`holds more than the ${MAX_ENQUEUE_ALARMS} alarms one file may hold`);
  });
});

describe('a replayed answer is not copied', () => {
  it('ten answers of a 200,000-line recorded log page cost far less than one copy of it', async () => {
    const events = Array.from({ length: 200_000 }, (_, index) => ({
      timestamp: 1_710_237_480_000 + index,
      logStreamName: '2024/03/12/[$LATEST]abc',
      message: `INFO request ${index} handled in ${index % 900} ms\n`,
    }));
    const recording = parseRecording({ calls: [{ service: 'cloudwatch-logs', command: 'FilterLogEvents', output: { events } }] }, 'test');
    const aws = createAwsClients({ region: 'us-east-1', replay: recording });
    const before = process.memoryUsage().heapUsed;
    const answers = [];
    for (let call = 0; call < 10; call += 1)
      answers.push(await aws.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/x' })));
    const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    console.log(`heap grown by ten held answers of 200,000 events: ${grownMb.toFixed(1)} MB`);
    expect(answers.every((answer) => answer.events?.length === 200_000)).toBe(true);
    expect(grownMb).toBeLessThan(20);
  });
});

describe('every bound is named in --help', () => {
  const limits = (help: string) => help.slice(help.indexOf('Limits:')).replace(/\s+/g, ' ');

  it.each(['investigate', 'worker'])('%s --help names the alarm, log, prompt and recording bounds', async (command) => {
    const help = limits((await runCli([command, '--help'])).stdout);
    expect(help).toContain(
      `state reason is cut to ${MAX_ALARM_TEXT_CHARS} characters, its names and dimension values to ${MAX_ALARM_NAME_CHARS}`,
    );
    expect(help).toContain(`${MAX_ALARM_DIMENSIONS} dimensions per metric`);
    expect(help).toContain('its description is not read');
    expect(help).toContain(
      `Lambda logs are read up to ${DEFAULT_MAX_EVENTS} lines and 2 MiB per function, each line cut to ${MAX_MESSAGE_CHARS}`,
    );
    expect(help).toContain(`one model call sends at most ${MAX_PROMPT_CHARS} characters`);
    expect(help).toContain(`a recording (--replay) is read streamed, keeping the first ${MAX_RECORDED_LOG_EVENTS} log events`);
  });

  it.each(['enqueue', 'sqs-bridge'])('%s --help names the alarm bounds', async (command) => {
    const help = limits((await runCli([command, '--help'])).stdout);
    expect(help).toContain(`its names and dimension values to ${MAX_ALARM_NAME_CHARS}`);
    expect(help).toContain('its description is not read');
  });
});
