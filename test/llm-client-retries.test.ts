import { afterEach, describe, expect, it } from 'vitest';
import { RetryAfterTooLongError } from '../src/orchestrators/errors.js';
import { LlmClient } from '../src/orchestrators/llm/llm-client.js';
import type { LlmSettings } from '../src/orchestrators/llm/llm-settings.js';
import { backoffMs, retryAfterMs } from '../src/orchestrators/llm/retry-policy.js';
import { captureLog } from './support/log-capture.js';
import { type OpenAiStubServer, type StubAnswer, startOpenAiStub } from './support/openai-stub-server.js';

const OK: StubAnswer = { message: { content: 'fine' }, usage: { prompt_tokens: 40, completion_tokens: 7 } };
const REQUEST = { messages: [{ role: 'user' as const, content: 'hello' }] };

let stub: OpenAiStubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function sessionAgainst(answers: StubAnswer[], settings: Partial<LlmSettings> = {}) {
  stub = await startOpenAiStub((_request, index) => answers[Math.min(index, answers.length - 1)] ?? OK);
  const client = new LlmClient({ apiKey: 'test', baseURL: stub.url, model: 'test-model', timeoutMs: 5_000, maxRetries: 3, ...settings });
  const { log, entries } = captureLog();
  return { session: client.session(log), logs: entries, server: stub };
}

const rateLimited = (headers: Record<string, string>): StubAnswer => ({
  status: 429,
  headers,
  body: { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } },
});

describe('LLM client retries', () => {
  it('waits the Retry-After a 429 asks for, then succeeds, counting one completed call', async () => {
    const { session, logs, server } = await sessionAgainst([rateLimited({ 'retry-after': '1' }), OK]);
    const started = performance.now();
    const completion = await session.chat(REQUEST);
    const waited = performance.now() - started;

    expect(completion.choices[0]?.message.content).toBe('fine');
    expect(server.requests).toHaveLength(2);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(session.usage).toEqual({ llm_calls: 1, prompt_tokens: 40, completion_tokens: 7, total_tokens: 47 });
    expect(logs.map((entry) => entry.message)).toContainEqual(expect.stringMatching(/^LLM call failed, retry 1 in 1000 ms: 429/));
  });

  it('honours retry-after-ms on a 5xx and backs off on its own when no header is given', async () => {
    const serverError = { status: 503, body: { error: { message: 'overloaded', type: 'server_error' } } };
    const { session, server } = await sessionAgainst([serverError, { ...serverError, headers: { 'retry-after-ms': '20' } }, OK]);
    await session.chat(REQUEST);
    expect(server.requests).toHaveLength(3);
    expect(session.usage.llm_calls).toBe(1);
  });

  it('does not retry a 400: the same request would fail again', async () => {
    const { session, server } = await sessionAgainst([{ status: 400, body: { error: { message: 'bad', type: 'invalid_request_error' } } }]);
    await expect(session.chat(REQUEST)).rejects.toThrow(/400/);
    expect(server.requests).toHaveLength(1);
    expect(session.usage.llm_calls).toBe(0);
  });

  it('fails at once when Retry-After is longer than an investigation may wait', async () => {
    const { session, server } = await sessionAgainst([rateLimited({ 'retry-after': '3600' })], { maxRetryWaitMs: 30_000 });
    const started = performance.now();
    const error = await session.chat(REQUEST).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryAfterTooLongError);
    expect((error as Error).message).toMatch(/retry after 3600 s, more than the 30 s allowed/);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxRetries, with no call counted', async () => {
    const { session, server } = await sessionAgainst(
      [{ status: 500, headers: { 'retry-after-ms': '5' }, body: { error: { message: 'boom' } } }],
      {
        maxRetries: 2,
      },
    );
    await expect(session.chat(REQUEST)).rejects.toThrow(/500/);
    expect(server.requests).toHaveLength(3);
    expect(session.usage).toEqual({ llm_calls: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('stops waiting when the investigation is aborted', async () => {
    const { session, server } = await sessionAgainst([rateLimited({ 'retry-after': '20' })]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(session.chat(REQUEST, controller.signal)).rejects.toThrow(/abort/i);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  it('sums cached prompt tokens where the server reports them', async () => {
    const cached: StubAnswer = { message: { content: 'x' }, usage: { prompt_tokens: 1200, completion_tokens: 10, cached_tokens: 1024 } };
    const { session } = await sessionAgainst([cached]);
    await session.chat(REQUEST);
    await session.chat(REQUEST);
    expect(session.usage).toEqual({ llm_calls: 2, prompt_tokens: 2400, completion_tokens: 20, total_tokens: 2420, cached_tokens: 2048 });
  });

  it('times out a call that never answers, without retrying it', async () => {
    const { session, server } = await sessionAgainst(['hang'], { timeoutMs: 200 });
    await expect(session.chat(REQUEST)).rejects.toThrow(/timed out/i);
    expect(server.requests).toHaveLength(1);
  });
});

describe('retry waits', () => {
  it('reads Retry-After as seconds or as an HTTP date, and prefers retry-after-ms', () => {
    const now = Date.parse('2024-03-12T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '2.5' }), now)).toBe(2_500);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 12 Mar 2024 10:00:07 GMT' }), now)).toBe(7_000);
    expect(retryAfterMs(new Headers({ 'retry-after': '9', 'retry-after-ms': '120' }), now)).toBe(120);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(retryAfterMs(new Headers(), now)).toBeNull();
  });

  it('backs off exponentially from 0.5 s to at most 8 s, less up to 25% jitter', () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffMs(attempt, () => 0))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(backoffMs(0, () => 1)).toBe(375);
  });
});
