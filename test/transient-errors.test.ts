import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withInvestigationDeadline } from '../src/orchestrators/aws/call-deadline.js';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { parseRecording } from '../src/orchestrators/aws/recording.js';
import { runFactCall } from '../src/orchestrators/facts/fact-call.js';
import { LlmClient } from '../src/orchestrators/llm/llm-client.js';
import { isTransientError } from '../src/platform/error-kind.js';
import { InputError } from '../src/platform/errors.js';

/** What the real client throws for the call, or null when it succeeds. */
async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
    return null;
  } catch (error) {
    return error;
  }
}

describe('isTransientError', () => {
  let server: Server;
  let baseURL: string;

  beforeAll(async () => {
    // An OpenAI-compatible endpoint that answers every call with the status its model name asks for.
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const { model } = JSON.parse(body) as { model: string };
        if (model === 'hang') return;
        const status = Number(model);
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `status ${status}`, type: 'test' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  );

  /**
   * What the product's own LLM client throws once its retries are spent (none here; a 429 is waited
   * out until the investigation's deadline, a short one here).
   */
  const chat = (status: number | null | 'hang') => {
    const client = new LlmClient({
      apiKey: 'test',
      baseURL: status === null ? 'http://127.0.0.1:1/v1' : baseURL,
      model: String(status),
      timeoutMs: status === 'hang' ? 200 : 5_000,
      maxRetries: 0,
    });
    return thrownBy(() =>
      withInvestigationDeadline(Date.now() + 200, () => client.session().chat({ messages: [{ role: 'user', content: 'hi' }] })),
    );
  };

  it('retries LLM rate limits, server errors and unreachable endpoints', async () => {
    expect(isTransientError(await chat(429))).toBe(true);
    expect(isTransientError(await chat(503))).toBe(true);
    expect(isTransientError(await chat(null))).toBe(true);
  });

  it('retries an LLM call that timed out, though the timeout error carries no status', async () => {
    const timedOut = await chat('hang');
    expect(timedOut).toBeInstanceOf(Error);
    expect(isTransientError(timedOut)).toBe(true);
  });

  it('does not retry LLM requests the endpoint rejects as wrong', async () => {
    expect(isTransientError(await chat(400))).toBe(false);
    expect(isTransientError(await chat(401))).toBe(false);
  });

  it('retries AWS throttling but not a missing permission', async () => {
    const aws = createAwsClients({
      region: 'us-east-1',
      replay: parseRecording(
        {
          calls: [
            {
              service: 'lambda',
              command: 'GetFunctionConfiguration',
              input: { FunctionName: 'busy' },
              error: { name: 'TooManyRequestsException', message: 'Rate exceeded' },
            },
            {
              service: 'lambda',
              command: 'GetFunctionConfiguration',
              input: { FunctionName: 'locked' },
              error: { name: 'AccessDeniedException', message: 'not allowed' },
            },
          ],
        },
        'test',
      ),
    });
    const throttled = await thrownBy(() => aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'busy' })));
    const denied = await thrownBy(() => aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'locked' })));
    expect(isTransientError(throttled)).toBe(true);
    expect(isTransientError(denied)).toBe(false);
  });

  it('retries an AWS call that did not answer within its deadline', async () => {
    const late = await thrownBy(() =>
      runFactCall({ service: 'lambda', command: 'GetFunction', timeoutMs: 20 }, () => new Promise(() => {})),
    );
    expect(late).toMatchObject({ awsErrorName: 'TimeoutError' });
    expect(isTransientError(late)).toBe(true);
  });

  it('retries a Redis command that gave up while Redis was away', async () => {
    const redis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    redis.on('error', () => {});
    const error = await thrownBy(() => redis.get('key'));
    redis.disconnect();
    expect(error).toMatchObject({ name: 'MaxRetriesPerRequestError' });
    expect(isTransientError(error)).toBe(true);
  });

  it('follows causes, and never retries bad input or plain bugs', () => {
    expect(isTransientError(new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isTransientError(new InputError('bad alarm'))).toBe(false);
    expect(isTransientError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
    expect(isTransientError('a string')).toBe(false);
  });
});
