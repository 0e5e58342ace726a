import { spawn } from 'node:child_process';
import { countChatCompletionTokens, countTokens } from 'gpt-tokenizer/model/gpt-4o';
import OpenAI, { BadRequestError, RateLimitError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { specialistSystemPrompt } from '../src/orchestrators/specialists/llm-hypotheses.js';
import { CLI, REPO_ROOT, runCli } from './support/run-cli.js';

let sim: LlmSim;
let openai: OpenAI;
beforeAll(async () => {
  sim = await startLlmSim();
  openai = new OpenAI({ apiKey: 'sim', baseURL: sim.url, maxRetries: 0 });
});
afterAll(async () => sim.close());

const functionTool = (name: string, parameter: string): ChatCompletionTool => ({
  type: 'function',
  function: {
    name,
    description: `${name} of one resource`,
    parameters: { type: 'object', properties: { [parameter]: { type: 'string' } }, required: [parameter] },
  },
});

const FACT_TOOLS = [functionTool('get_lambda_config', 'function_name'), functionTool('get_lambda_logs', 'function_name')];
const facts = (data: unknown) => `<facts>\n${JSON.stringify(data)}\n</facts>`;

describe('llm-sim over HTTP', () => {
  it('says it is a simulator in its model list', async () => {
    const models = await openai.models.list();
    expect(models.data.map((model) => [model.id, model.owned_by])).toEqual([['llm-sim', expect.stringMatching(/simulator, not a model/)]]);
  });

  it('answers a direct specialist prompt in the shape it asks for, echoing the rule hypotheses', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: specialistSystemPrompt('lambda') },
        {
          role: 'user',
          content: facts({
            facts: [{ source: 'cloudwatch-logs', content: 'timeout ×4: Task timed out after 3.00 seconds' }],
            rule_hypotheses: [
              { type: 'downstream_error', confidence: 0.4, description: 'inventory API is slow' },
              { type: 'timeout', confidence: 0.93, description: 'runs into its 3 s timeout' },
            ],
          }),
        },
      ],
    });
    const answer = JSON.parse(completion.choices[0]?.message.content ?? '');
    expect(answer).toEqual({
      hypotheses: [
        {
          type: 'timeout',
          description: 'runs into its 3 s timeout',
          confidence: 0.93,
          evidence: ['timeout ×4: Task timed out after 3.00 seconds'],
        },
        { type: 'downstream_error', description: 'inventory API is slow', confidence: 0.4, evidence: ['inventory API is slow'] },
      ],
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('classifies quoted facts by keyword when no hypotheses are stated, within the allowed types', async () => {
    const completion = await openai.chat.completions.create({
      model: 'any-model',
      messages: [
        {
          role: 'system',
          content: 'Answer {"verdict":{"type":string,"confidence":number},"why":[string]}. type is one of: init_error, unknown.',
        },
        {
          role: 'user',
          content: "Runtime.ImportModuleError: Error: Cannot find module '@sendgrid/mail'\nTask timed out after 3.00 seconds",
        },
      ],
    });
    const answer = JSON.parse(completion.choices[0]?.message.content ?? '');
    expect(answer.verdict).toEqual({ type: 'init_error', confidence: 0.8 });
    expect(answer.why).toEqual([]);
    expect(completion.model).toBe('any-model');
  });

  it('calls each offered tool for the resources the data names, one per turn, never twice', async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: specialistSystemPrompt('Lambda function') },
      { role: 'user', content: facts({ resources: ['lambda:orders-api'] }) },
    ];
    const called: string[] = [];
    for (let turn = 0; turn < 4; turn += 1) {
      const completion = await openai.chat.completions.create({ model: 'm', messages, tools: FACT_TOOLS, parallel_tool_calls: false });
      const message = completion.choices[0]!.message;
      if (!message.tool_calls) break;
      expect(message.tool_calls).toHaveLength(1);
      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
      messages.push({ role: 'assistant', content: null, tool_calls: message.tool_calls });
      for (const call of message.tool_calls) {
        if (call.type !== 'function') throw new Error('function calls only');
        called.push(`${call.function.name} ${call.function.arguments}`);
        const result =
          call.function.name === 'get_lambda_logs'
            ? { signals: [{ kind: 'out_of_memory', count: 2, detail: 'Error: Runtime exited with error: signal: killed' }] }
            : {};
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
      }
    }
    expect(called).toEqual(['get_lambda_config {"function_name":"orders-api"}', 'get_lambda_logs {"function_name":"orders-api"}']);
    const final = JSON.parse(
      (await openai.chat.completions.create({ model: 'm', messages, tools: FACT_TOOLS })).choices[0]?.message.content ?? '',
    );
    expect(final.hypotheses[0]).toMatchObject({ type: 'out_of_memory', evidence: ['Error: Runtime exited with error: signal: killed'] });
  });

  it('as a lead, delegates every resource to its specialist tool at once and leaves the raw tools alone', async () => {
    const completion = await openai.chat.completions.create({
      model: 'm',
      messages: [
        { role: 'system', content: 'You lead.' },
        { role: 'user', content: facts({ resources: ['lambda:a', 'dynamodb:orders', 'lambda:b'] }) },
      ],
      tools: [
        functionTool('investigate_lambda_function', 'function_name'),
        functionTool('investigate_dynamodb_table', 'table_name'),
        ...FACT_TOOLS,
      ],
    });
    const calls = completion.choices[0]?.message.tool_calls?.map((call) =>
      call.type === 'function' ? `${call.function.name} ${call.function.arguments}` : '',
    );
    expect(calls).toEqual([
      'investigate_lambda_function {"function_name":"a"}',
      'investigate_lambda_function {"function_name":"b"}',
      'investigate_dynamodb_table {"table_name":"orders"}',
    ]);
  });

  it('counts usage with the gpt-4o tokenizer over the request as sent and the reply', async () => {
    const messages = [
      { role: 'system' as const, content: 'Answer in one word.' },
      { role: 'user' as const, content: 'Task timed out after 3.00 seconds' },
    ];
    const before = { ...sim.stats };
    const plain = await openai.chat.completions.create({ model: 'm', messages });
    const withTools = await openai.chat.completions.create({ model: 'm', messages, tools: FACT_TOOLS, tool_choice: 'none' });

    expect(plain.usage?.prompt_tokens).toBe(countChatCompletionTokens!({ messages }));
    expect(plain.usage?.completion_tokens).toBe(countTokens(plain.choices[0]?.message.content ?? ''));
    expect(withTools.usage?.prompt_tokens).toBeGreaterThan((plain.usage?.prompt_tokens ?? 0) + 20);
    expect(sim.stats.completions - before.completions).toBe(2);
    expect(sim.stats.total_tokens - before.total_tokens).toBe((plain.usage?.total_tokens ?? 0) + (withTools.usage?.total_tokens ?? 0));
  });

  it.each([
    ['no messages', { model: 'm', messages: [] }, /messages/],
    ['a role it does not know', { model: 'm', messages: [{ role: 'robot', content: 'x' }] }, /messages\.0\.role/],
    ['streaming', { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true }, /does not stream/],
    [
      'a tool result with no call before it',
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', tool_call_id: 'call_9', content: '{}' },
        ],
      },
      /must answer a tool call/,
    ],
    [
      'a tool call left unanswered',
      {
        model: 'm',
        messages: [
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'user', content: 'x' },
        ],
      },
      /c1 were not answered/,
    ],
  ])('refuses %s with a 400 in OpenAI’s error shape', async (_what, body, message) => {
    const error = await openai.chat.completions.create(body as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toMatch(message);
    expect((error as BadRequestError).type).toBe('invalid_request_error');
  });

  it('refuses a body that is not JSON and an unknown route', async () => {
    const notJson = await fetch(`${sim.url}/chat/completions`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toMatch(/not JSON/);
    const unknown = await fetch(`${sim.url}/embeddings`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toMatch(/serves GET \/v1\/models and POST \/v1\/chat\/completions/);
  });

  it('adds the configured latency per call and per output token', async () => {
    const slow = await startLlmSim({ latencyMs: 150, latencyPerTokenMs: 10 });
    try {
      const client = new OpenAI({ apiKey: 'sim', baseURL: slow.url, maxRetries: 0 });
      const started = performance.now();
      const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Task timed out' }] });
      const elapsed = performance.now() - started;
      const expected = 150 + 10 * (completion.usage?.completion_tokens ?? 0);
      expect(elapsed).toBeGreaterThanOrEqual(expected - 5);
      expect(elapsed).toBeLessThan(expected + 500);
    } finally {
      await slow.close();
    }
  });
});

const ASK = { model: 'm', messages: [{ role: 'user' as const, content: 'Task timed out' }] };
const post = (url: string, body: unknown) => fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify(body) });

describe('llm-sim rate limits', () => {
  it('answers 429 beyond --rpm, as OpenAI does: Retry-After, retry-after-ms and its error body, then admits again', async () => {
    // 60 a minute over 2 s: a bucket of 2 requests, one more each second.
    const limited = await startLlmSim({ rpm: 60, windowSeconds: 2 });
    try {
      const answers = [await post(limited.url, ASK), await post(limited.url, ASK), await post(limited.url, ASK)];
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
      const refused = answers[2]!;
      expect(refused.headers.get('retry-after')).toBe('1');
      const waitMs = Number(refused.headers.get('retry-after-ms'));
      expect(waitMs).toBeGreaterThan(900);
      expect(waitMs).toBeLessThanOrEqual(1_000);
      expect(await refused.json()).toEqual({
        error: {
          message: expect.stringMatching(
            /^Rate limit reached for llm-sim on requests per min \(RPM\): Limit 60, Requested 1\. Please try again in \d+ms\.$/,
          ),
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      });
      // The openai client reads it as its RateLimitError.
      const client = new OpenAI({ apiKey: 'sim', baseURL: limited.url, maxRetries: 0 });
      await expect(client.chat.completions.create(ASK)).rejects.toBeInstanceOf(RateLimitError);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      expect((await post(limited.url, ASK)).status).toBe(200);
      expect(limited.stats).toMatchObject({ completions: 3, rejected: 2, rate_limited: 2 });
    } finally {
      await limited.close();
    }
  });

  it('counts prompt and completion tokens against --tpm, and says when a request can never fit', async () => {
    const probe = await (await post(sim.url, ASK)).json();
    const tokens = probe.usage.total_tokens as number;
    const limited = await startLlmSim({ tpm: tokens * 60, windowSeconds: 1 });
    try {
      expect((await post(limited.url, ASK)).status).toBe(200);
      const refused = await post(limited.url, ASK);
      expect(refused.status).toBe(429);
      expect((await refused.json()).error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded' });
      expect(Number(refused.headers.get('retry-after-ms'))).toBeGreaterThan(900);
      const tooLarge = await post(limited.url, { ...ASK, messages: [{ role: 'user', content: 'Task timed out '.repeat(50) }] });
      expect(tooLarge.status).toBe(429);
      expect(tooLarge.headers.get('retry-after')).toBeNull();
      expect((await tooLarge.json()).error.message).toMatch(/^Request too large for llm-sim on tokens per min \(TPM\)/);
    } finally {
      await limited.close();
    }
  });
});

describe('promptrca llm-sim', () => {
  it('prints that it is a simulator and where it listens, then serves there', async () => {
    const child = spawn(process.execPath, [CLI, 'llm-sim', '--port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')));
        child.once('exit', (code) => reject(new Error(`llm-sim exited with ${code}`)));
      });
      expect(line).toMatch(
        /^llm-sim: a SIMULATOR of an OpenAI-compatible chat-completions endpoint, not a model, listening on http:\/\/127\.0\.0\.1:\d+\/v1/,
      );
      const url = /listening on (\S+)/.exec(line)?.[1] ?? '';
      const models = await new OpenAI({ apiKey: 'sim', baseURL: url }).models.list();
      expect(models.data[0]?.id).toBe('llm-sim');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('rejects a port out of range with exit code 2', async () => {
    const result = await runCli(['llm-sim', '--port', '70000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port="70000" is not valid: allowed a whole number from 0 to 65535/);
  });

  it.each([
    ['--rpm', '0', /--rpm="0" is not valid: allowed a whole number from 1 to/],
    ['--tpm', '1.5', /--tpm="1.5" is not valid: allowed a whole number from 1 to/],
    ['--limit-window-seconds', '61', /--limit-window-seconds="61" is not valid: allowed a whole number from 1 to 60/],
  ])('rejects %s %s with exit code 2', async (option, value, message) => {
    const result = await runCli(['llm-sim', '--port', '0', option, value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('enforces --rpm from the command line, saying so at start', async () => {
    const child = spawn(process.execPath, [CLI, 'llm-sim', '--port', '0', '--rpm', '60', '--limit-window-seconds', '2'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')));
        child.once('exit', (code) => reject(new Error(`llm-sim exited with ${code}`)));
      });
      expect(line).toContain('429 beyond 60 requests per minute over 2 s');
      const url = /listening on (\S+)/.exec(line)?.[1] ?? '';
      const statuses = await Promise.all([1, 2, 3].map(() => post(url, ASK).then((answer) => answer.status)));
      expect(statuses.sort()).toEqual([200, 200, 429]);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('names the address when the port is taken, with exit code 2', async () => {
    const port = Number(new URL(sim.url).port);
    const result = await runCli(['llm-sim', '--port', String(port)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
  });
});
