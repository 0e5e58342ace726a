import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { awsRateLimitsFrom, quotaOf } from '../src/orchestrators/aws/aws-rate-limits.js';
import { LocalRateLimiter, type RateLimiter, RedisRateLimiter } from '../src/orchestrators/aws/rate-limiter.js';
import { loadConfig } from '../src/platform/config.js';
import { ConfigError } from '../src/platform/errors.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './support/pipeline.js';

const prefix = uniquePrefix('rate-limit');
const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await deleteKeys(prefix);
});

const rate = { perSecond: 4, burst: 1 };

async function waits(limiters: RateLimiter[], count: number, bucket: string, maxWaitMs = 60_000): Promise<Array<number | null>> {
  return Promise.all(Array.from({ length: count }, (_, i) => limiters[i % limiters.length]!.reserve(bucket, rate, maxWaitMs)));
}

describe('fleet rate limiter (GCRA)', () => {
  it('two processes sharing Redis get turns spaced one interval apart, as one', async () => {
    const limiters = connections.map((redis) => new RedisRateLimiter(redis, prefix));
    const booked = (await waits(limiters, 8, 'acct:us-east-1:lambda')) as number[];
    const sorted = [...booked].sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThan(50);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(249);
    expect(sorted.at(-1)).toBeGreaterThanOrEqual(7 * 249);
  });

  it('refuses a turn beyond the allowed wait and books nothing for it', async () => {
    const limiter = new RedisRateLimiter(connections[0]!, prefix);
    const booked = await waits([limiter], 3, 'acct:us-east-1:refused', 300);
    expect(booked.slice(0, 2).every((wait) => wait !== null)).toBe(true);
    expect(booked[2]).toBeNull();
    // The refused call left the third turn free: a caller willing to wait gets it, not a fourth.
    expect(await limiter.reserve('acct:us-east-1:refused', rate, 10_000)).toBeLessThan(600);
  });

  it('keeps separate buckets apart (another quota, account or region)', async () => {
    const limiter = new RedisRateLimiter(connections[0]!, prefix);
    await waits([limiter], 4, 'acct:us-east-1:logs.FilterLogEvents');
    expect(await limiter.reserve('acct:eu-west-1:logs.FilterLogEvents', rate, 0)).toBe(0);
  });

  it('runs the same rule in one process without Redis', async () => {
    const booked = (await waits([new LocalRateLimiter()], 4, 'b')) as number[];
    expect(booked[0]).toBe(0);
    expect(booked[3]).toBeGreaterThanOrEqual(749);
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
