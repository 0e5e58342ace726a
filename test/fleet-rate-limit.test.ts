import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { awsRateLimitsFrom, quotaOf } from '../src/orchestrators/aws/aws-rate-limits.js';
import { loadConfig } from '../src/platform/config.js';
import { ConfigError } from '../src/platform/errors.js';
import { LocalRateLimiter, type RateLimiter, RedisRateLimiter } from '../src/platform/rate-limiter.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './support/pipeline.js';

const prefix = uniquePrefix('rate-limit');
const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await deleteKeys(prefix);
});

const rate = { perSecond: 4, burst: 1 };

async function waits(limiters: RateLimiter[], count: number, scope: string, maxWaitMs = 60_000): Promise<Array<number | null>> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => limiters[i % limiters.length]!.reserve(scope, [{ bucket: 'quota', rate }], maxWaitMs)),
  );
}

describe('fleet rate limiter (GCRA)', () => {
  it('two processes sharing Redis get turns spaced one interval apart, as one', async () => {
    const limiters = connections.map((redis) => new RedisRateLimiter(redis, prefix));
    // Each wait counts from the moment Redis booked it; on a busy machine those moments differ by a
    // few ms, so turns are compared as times (booked + wait), with that much slack.
    const started = Date.now();
    const turns = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const wait = await limiters[i % limiters.length]!.reserve('acct:us-east-1', [{ bucket: 'quota', rate }], 60_000);
        return Date.now() + (wait ?? Number.NaN) - started;
      }),
    );
    const sorted = [...turns].sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThan(100);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(230);
    expect(sorted.at(-1)! - sorted[0]!).toBeGreaterThanOrEqual(7 * 240);
  });

  it('refuses a turn beyond the allowed wait and books nothing for it', async () => {
    const limiter = new RedisRateLimiter(connections[0]!, prefix);
    const booked = await waits([limiter], 3, 'acct:us-east-1:refused', 300);
    expect(booked.slice(0, 2).every((wait) => wait !== null)).toBe(true);
    expect(booked[2]).toBeNull();
    // The refused call left the third turn free: a caller willing to wait gets it, not a fourth.
    expect(await limiter.reserve('acct:us-east-1:refused', [{ bucket: 'quota', rate }], 10_000)).toBeLessThan(600);
  });

  it('keeps separate buckets apart (another quota, account or region)', async () => {
    const limiter = new RedisRateLimiter(connections[0]!, prefix);
    await waits([limiter], 4, 'acct:us-east-1:apart');
    expect(await limiter.reserve('acct:eu-west-1:apart', [{ bucket: 'quota', rate }], 0)).toBe(0);
    expect(await limiter.reserve('acct:us-east-1:apart', [{ bucket: 'other', rate }], 0)).toBe(0);
  });

  it('runs the same rule in one process without Redis', async () => {
    const booked = (await waits([new LocalRateLimiter()], 4, 'b')) as number[];
    expect(booked[0]).toBe(0);
    expect(booked[3]).toBeGreaterThanOrEqual(749);
  });
});

const requests = { bucket: 'requests', rate: { perSecond: 10, burst: 1 } };
const tokens = (cost: number) => ({ bucket: 'tokens', rate: { perSecond: 1_000, burst: 1 }, cost });

describe.each([
  ['Redis', () => new RedisRateLimiter(connections[0]!, prefix)],
  ['one process', () => new LocalRateLimiter()],
])('turns over several buckets and costs (%s)', (_name, makeLimiter) => {
  it('books a call in all its buckets at the latest of their turns, each pushed on by its cost', async () => {
    const limiter = makeLimiter();
    const scope = `llm-${Math.random()}`;
    // 500 tokens at 1,000/s: the next call goes 500 ms later, though its request turn comes after 100 ms.
    expect(await limiter.reserve(scope, [requests, tokens(500)], 10_000)).toBe(0);
    const second = (await limiter.reserve(scope, [requests, tokens(100)], 10_000))!;
    expect(second).toBeGreaterThanOrEqual(480);
    expect(second).toBeLessThanOrEqual(500);
    // The second call went at ~500 ms and took 100 tokens: the third waits ~600 ms, not 100 ms more.
    expect(await limiter.reserve(scope, [requests, tokens(1)], 10_000)).toBeGreaterThanOrEqual(580);
  });

  it('settles an estimate: tokens given back let the next call go sooner, more taken make it wait', async () => {
    const limiter = makeLimiter();
    const scope = `llm-${Math.random()}`;
    expect(await limiter.reserve(scope, [tokens(2_000)], 10_000)).toBe(0);
    await limiter.adjust(scope, tokens(-1_900));
    expect(await limiter.reserve(scope, [tokens(100)], 10_000)).toBeLessThanOrEqual(100);
    await limiter.adjust(scope, tokens(3_000));
    expect(await limiter.reserve(scope, [tokens(1)], 10_000)).toBeGreaterThanOrEqual(3_000);
    // Giving back more than was taken does not bank turns for later.
    await limiter.adjust(scope, tokens(-100_000));
    expect(await limiter.reserve(scope, [tokens(50)], 10_000)).toBe(0);
    expect(await limiter.reserve(scope, [tokens(1)], 10_000)).toBeGreaterThanOrEqual(40);
  });
});

describe('AWS rate limit settings', () => {
  it('default to the documented quotas times the share, overridable per quota', () => {
    const limits = awsRateLimitsFrom(
      loadConfig({ PROMPTRCA_AWS_RATE_LIMITS: 'logs.FilterLogEvents=10,sqs=100', PROMPTRCA_AWS_RATE_SHARE: '0.5' }),
    );
    expect(quotaOf(limits!, 'lambda', 'GetFunctionConfiguration')).toEqual({ quota: 'lambda', rate: { perSecond: 7.5, burst: 1 } });
    expect(quotaOf(limits!, 'logs', 'FilterLogEvents')?.rate.perSecond).toBe(5);
    expect(quotaOf(limits!, 'sqs', 'GetQueueAttributes')?.quota).toBe('sqs');
    expect(quotaOf(limits!, 'logs', 'DescribeLogGroups')).toBeNull();
    expect(awsRateLimitsFrom(loadConfig({}))?.rates.get('cloudwatch.GetMetricData')?.perSecond).toBe(40);
    expect(awsRateLimitsFrom(loadConfig({ PROMPTRCA_AWS_RATE_LIMITS: 'off' }))).toBeNull();
  });

  it.each([
    ['PROMPTRCA_AWS_RATE_LIMITS', 'lambda:15'],
    ['PROMPTRCA_AWS_RATE_LIMITS', 'lambda=0'],
    ['PROMPTRCA_AWS_RATE_SHARE', '1.5'],
    ['PROMPTRCA_AWS_RATE_SHARE', '0'],
  ])('rejects %s=%s naming what is allowed', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
