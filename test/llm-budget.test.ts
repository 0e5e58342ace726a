import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { loadScenario } from '../bench/scenarios.js';
import { withInvestigationDeadline } from '../src/orchestrators/aws/call-deadline.js';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { createOrchestrator } from '../src/orchestrators/create-orchestrator.js';
import { LlmTurnWaitError } from '../src/orchestrators/errors.js';
import { estimateTokens, llmBudgetFrom } from '../src/orchestrators/llm/llm-budget.js';
import { LlmClient, type LlmLimitEvents, type LlmRateLimitReason } from '../src/orchestrators/llm/llm-client.js';
import type { LlmSettings } from '../src/orchestrators/llm/llm-settings.js';
import { type LlmSim, type LlmSimOptions, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { loadConfig } from '../src/platform/config.js';
import { ConfigError } from '../src/platform/errors.js';
import { LocalRateLimiter, type RateLimiter, RedisRateLimiter } from '../src/platform/rate-limiter.js';
import { startModelProxy } from './support/model-proxy.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './support/pipeline.js';
import { runCli } from './support/run-cli.js';

const silent = winston.createLogger({ silent: true });
const prefix = uniquePrefix('llm-budget');
// Two connections, as two worker processes hold.
const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
const sims: LlmSim[] = [];
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await Promise.all(sims.map((sim) => sim.close()));
  await deleteKeys(prefix);
});

const ASK = { messages: [{ role: 'user' as const, content: 'Task timed out after 3.00 seconds' }] };

async function sim(options: LlmSimOptions = {}): Promise<LlmSim> {
  const started = await startLlmSim(options);
  sims.push(started);
  return started;
}

/** The moment each request reached the endpoint, through a proxy in front of it. */
async function timedEndpoint(upstream: LlmSim): Promise<{ url: string; arrivals: number[] }> {
  const arrivals: number[] = [];
  const proxy = await startModelProxy(upstream.url, () => {
    arrivals.push(performance.now());
    return false;
  });
  sims.push({ url: proxy.url, stats: upstream.stats, close: proxy.close });
  return { url: proxy.url, arrivals };
}

function recordedEvents(): LlmLimitEvents & { waits: number[]; limited: LlmRateLimitReason[] } {
  const waits: number[] = [];
  const limited: LlmRateLimitReason[] = [];
  return { waits, limited, budgetWait: (ms) => waits.push(ms), rateLimited: (reason) => limited.push(reason) };
}

function client(url: string, budget: { rpm?: string; tpm?: string; limiter: RateLimiter } | null, events?: LlmLimitEvents) {
  const settings: LlmSettings = { apiKey: 'sim', baseURL: url, model: `budget-test-${Math.random()}`, timeoutMs: 10_000, maxRetries: 0 };
  const config = loadConfig({ PROMPTRCA_LLM_RPM: budget?.rpm, PROMPTRCA_LLM_TPM: budget?.tpm });
  return {
    settings,
    make: (limiter = budget?.limiter) =>
      new LlmClient(settings, { budget: limiter ? llmBudgetFrom(config, limiter, settings) : null, events }),
  };
}

describe('the fleet LLM budget', () => {
  it('two processes sharing Redis send within one requests-per-minute budget, and the endpoint refuses none', async () => {
    // The endpoint allows 120 a minute over 1 s: a bucket of 2, one more every 500 ms.
    const upstream = await sim({ rpm: 120, windowSeconds: 1 });
    const endpoint = await timedEndpoint(upstream);
    const { make } = client(endpoint.url, { rpm: '120', limiter: new RedisRateLimiter(connections[0]!, prefix) });
    const processes = [make(), make(new RedisRateLimiter(connections[1]!, prefix))];
    const started = performance.now();
    await withInvestigationDeadline(Date.now() + 20_000, () =>
      Promise.all(Array.from({ length: 8 }, (_, i) => processes[i % 2]!.session(silent).chat(ASK))),
    );
    const sorted = [...endpoint.arrivals].sort((a, b) => a - b);
    expect(sorted).toHaveLength(8);
    // Evenly spaced, 500 ms apart (a few ms early at most: one proxy hop), so 7 intervals take 3.5 s.
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThan(450);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3_450);
    expect(upstream.stats.rate_limited).toBe(0);
  });

  it('reserves an estimate of the tokens and settles with the usage: the next call waits for what was used', async () => {
    const upstream = await sim();
    const endpoint = await timedEndpoint(upstream);
    // 1,800 tokens a minute: 30 a second.
    const { make } = client(endpoint.url, { tpm: '1800', limiter: new RedisRateLimiter(connections[0]!, prefix) });
    const llm = make();
    const session = llm.session(silent);
    await withInvestigationDeadline(Date.now() + 60_000, async () => {
      for (let i = 0; i < 3; i++) await session.chat(ASK);
    });
    const used = session.usage.total_tokens / 3;
    // Each call waits for the tokens the one before used (about a second), not for its estimate (~17 s).
    expect(estimateTokens(ASK) / 30).toBeGreaterThan(15);
    const [first, second, third] = endpoint.arrivals;
    for (const gap of [second! - first!, third! - second!]) {
      expect(gap).toBeGreaterThan((used / 30) * 1000 - 100);
      expect(gap).toBeLessThan((used / 30) * 1000 + 500);
    }
  });

  it('a call whose turn comes after the investigation deadline is not sent: LlmTurnWaitError, transient, counted', async () => {
    const upstream = await sim();
    const events = recordedEvents();
    const { make } = client(upstream.url, { rpm: '1', limiter: new LocalRateLimiter() }, events);
    const llm = make();
    await llm.session(silent).chat(ASK);
    const started = performance.now();
    const error = await withInvestigationDeadline(Date.now() + 500, () => llm.session(silent).chat(ASK)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmTurnWaitError);
    expect((error as LlmTurnWaitError).kind).toBe('transient');
    expect(performance.now() - started).toBeLessThan(300);
    expect(upstream.stats.completions).toBe(1);
    expect(events.waits).toEqual([0]);
    expect(events.limited).toEqual(['no_turn_before_deadline']);
  });

  it('direct_invocation does not conclude without the model hypotheses it could not get in time', async () => {
    const scenario = loadScenario('examples/lambda-timeout.json');
    const upstream = await sim();
    const { make } = client(upstream.url, { rpm: '1', limiter: new LocalRateLimiter() });
    const llm = make();
    await llm.session(silent).chat(ASK);
    const aws = createAwsClients({ region: 'us-east-1', replay: scenario.recording });
    const report = await withInvestigationDeadline(Date.now() + 1_000, () =>
      runInvestigation(
        createOrchestrator('direct_invocation', aws, llm),
        { investigationId: scenario.investigationId, alarm: scenario.alarm },
        silent,
      ),
    );
    expect(report.status).toBe('completed');
    expect(report.root_cause).toMatchObject({ type: 'unknown', confidence: 0 });
    expect(report.missing_facts).toEqual([
      expect.stringMatching(/^lambda specialist's model hypotheses: LLM budget .*: no turn before the investigation's deadline$/),
    ]);
  });

  it('agent_tools fails the attempt as transient, for the worker to try again', async () => {
    const scenario = loadScenario('examples/lambda-timeout.json');
    const upstream = await sim();
    // Enough for the lead's first turns, not for all of them within the deadline.
    const { make } = client(upstream.url, { rpm: '60', limiter: new LocalRateLimiter() });
    const aws = createAwsClients({ region: 'us-east-1', replay: scenario.recording });
    const report = await withInvestigationDeadline(Date.now() + 1_500, () =>
      runInvestigation(
        createOrchestrator('agent_tools', aws, make()),
        { investigationId: scenario.investigationId, alarm: scenario.alarm },
        silent,
      ),
    );
    expect(report.status).toBe('failed');
    expect(report.error_kind).toBe('transient');
    expect(report.error).toMatch(/no turn before the investigation's deadline/);
    expect(report.usage.llm_calls).toBeGreaterThan(0);
  });
});

describe("the endpoint's 429", () => {
  it('is waited out as Retry-After asks, beyond maxRetries, until every call is answered', async () => {
    // One request a second, a bucket of one: four at once meet three 429s at least.
    const upstream = await sim({ rpm: 60, windowSeconds: 1 });
    const events = recordedEvents();
    const { make } = client(upstream.url, null, events);
    const llm = make();
    const sessions = Array.from({ length: 4 }, () => llm.session(silent));
    await withInvestigationDeadline(Date.now() + 20_000, () => Promise.all(sessions.map((session) => session.chat(ASK))));
    expect(sessions.map((session) => session.usage.llm_calls)).toEqual([1, 1, 1, 1]);
    expect(upstream.stats.rate_limited).toBeGreaterThanOrEqual(3);
    expect(events.limited.filter((reason) => reason === 'endpoint_429')).toHaveLength(upstream.stats.rate_limited);
  });

  it('fails as LlmTurnWaitError when the wait it asks for passes the deadline', async () => {
    // A bucket of one request, one more every 10 s: the second call is asked to wait about 10 s.
    const upstream = await sim({ rpm: 6, windowSeconds: 10 });
    const { make } = client(upstream.url, null);
    const llm = make();
    await llm.session(silent).chat(ASK);
    const error = await withInvestigationDeadline(Date.now() + 2_000, () => llm.session(silent).chat(ASK)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LlmTurnWaitError);
    expect((error as Error).message).toBe("LLM endpoint rate limit (429): no turn before the investigation's deadline");
    expect(upstream.stats.rate_limited).toBe(1);
  });
});

describe('promptrca investigate', () => {
  it('keeps PROMPTRCA_LLM_RPM within its process: agent_tools calls spaced, none refused', async () => {
    // A bucket of 2, one more every 500 ms: agent_tools' back-to-back calls would meet 429s.
    const upstream = await sim({ rpm: 120, windowSeconds: 1 });
    const started = performance.now();
    const result = await runCli(
      ['investigate', '--alarm', 'examples/lambda-timeout.json', '--orchestrator', 'agent_tools', '--json'],
      { OPENAI_BASE_URL: upstream.url, PROMPTRCA_MODEL: 'llm-sim', PROMPTRCA_LLM_RPM: '120' },
      60_000,
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.root_cause.type).toBe('timeout');
    expect(upstream.stats.rate_limited).toBe(0);
    expect(report.usage.llm_calls).toBe(upstream.stats.completions);
    expect(performance.now() - started).toBeGreaterThanOrEqual((upstream.stats.completions - 1) * 500);
  });

  it('refuses an invalid budget at start with exit 2', async () => {
    const result = await runCli(['investigate', '--alarm', 'examples/lambda-timeout.json', '--llm', 'none'], { PROMPTRCA_LLM_TPM: '-5' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PROMPTRCA_LLM_TPM="-5" is not valid');
  });
});

describe('LLM budget settings', () => {
  it('are none unless PROMPTRCA_LLM_RPM or PROMPTRCA_LLM_TPM is set', () => {
    const endpoint = { baseURL: undefined, model: 'm' };
    expect(llmBudgetFrom(loadConfig({}), new LocalRateLimiter(), endpoint)).toBeNull();
    expect(llmBudgetFrom(loadConfig({ PROMPTRCA_LLM_TPM: '90000' }), new LocalRateLimiter(), endpoint)).not.toBeNull();
  });

  it.each([
    ['PROMPTRCA_LLM_RPM', '0'],
    ['PROMPTRCA_LLM_RPM', 'lots'],
    ['PROMPTRCA_LLM_TPM', '1.5'],
  ])('rejects %s=%s naming what is allowed', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(/a whole number from 1 to .* \(or unset: no limit\)/);
  });
});
