import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisRefusal } from '../src/platform/error-kind.js';
import { RedisRateLimiter } from '../src/platform/rate-limiter.js';
import { connectRedis, type RedisClient } from '../src/platform/redis-connection.js';
import { captureLog } from './support/log-capture.js';
import { runCli, uniquePrefix } from './support/pipeline.js';
import { ThrowawayRedis } from './support/throwaway-redis.js';

let redis: ThrowawayRedis;
let admin: Redis;
const clients: RedisClient[] = [];

beforeAll(async () => {
  redis = await ThrowawayRedis.start();
  admin = new Redis(redis.url);
  // The stopped Redis of the last test must not crash the run through this connection's errors.
  admin.on('error', () => {});
  await admin.config('SET', 'maxmemory-policy', 'noeviction');
}, 20_000);

afterAll(async () => {
  for (const client of clients) client.disconnect();
  admin?.disconnect();
  await redis?.remove();
});

/** maxmemory below what Redis holds: under noeviction every write is refused with OOM until it is raised. */
async function fillRedis(): Promise<void> {
  await admin.config('SET', 'maxmemory', '1');
  expect(await admin.set('filler', 'x').then(() => null, redisRefusal)).toBe('OOM');
}

async function client(role: 'command' | 'worker'): Promise<RedisClient> {
  const connected = await connectRedis(redis.url, role);
  clients.push(connected);
  return connected;
}

const lambda = [{ bucket: 'lambda', rate: { perSecond: 4, burst: 1 } }];

describe('the fleet rate limiter when Redis refuses or does not answer', () => {
  it('books in this process while Redis is out of memory, warning once, and in Redis again once it takes writes', async () => {
    const prefix = uniquePrefix('limiter-oom');
    const { log, entries } = captureLog();
    const limiter = new RedisRateLimiter(await client('command'), prefix, log);
    await fillRedis();
    try {
      const waits = [];
      for (let call = 0; call < 3; call++) waits.push(await limiter.reserve('aws:acct:us-east-1', lambda, 10_000));
      // The same rule, kept here: turns 250 ms apart.
      expect(waits[0]).toBe(0);
      expect(waits[2]).toBeGreaterThanOrEqual(480);
      await limiter.adjust('aws:acct:us-east-1', { ...lambda[0]!, cost: 2 });
      const warnings = entries.filter((entry) => entry.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toMatch(
        /^Redis takes no rate-limit bookings \(OOM command not allowed.*\), so AWS rate limits and the LLM budget hold within this process only until it does$/,
      );
      expect(await admin.exists(`${prefix}:rate:{aws:acct:us-east-1}:lambda`)).toBe(0);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
    expect(await limiter.reserve('aws:acct:us-east-1', lambda, 10_000)).toBe(0);
    expect(await admin.exists(`${prefix}:rate:{aws:acct:us-east-1}:lambda`)).toBe(1);
    expect(entries.map((entry) => entry.message)).toContain(
      "Redis takes rate-limit bookings again: AWS rate limits and the LLM budget are the fleet's again",
    );
  });

  it('investigate reads AWS while Redis is full: the report names connection errors, not OOM', async () => {
    await fillRedis();
    try {
      const result = await runCli(['investigate', '--function-name', 'orders-api', '--orchestrator', 'direct', '--llm', 'none', '--json'], {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'not-a-secret',
        AWS_REGION: 'us-east-1',
        PROMPTRCA_FACT_RETRY_SECONDS: '0',
        PROMPTRCA_AWS_RATE_LIMITS: 'lambda=4',
        REDIS_URL: redis.url,
        PROMPTRCA_QUEUE_PREFIX: uniquePrefix('limiter-oom-cli'),
      });
      const report = JSON.parse(result.stdout);
      expect(JSON.stringify([report.error, report.warnings, report.missing_facts])).not.toContain('OOM');
      // AWS was asked: its reads failed on the closed port.
      expect(JSON.stringify(report.missing_facts ?? report.error)).toMatch(/ECONNREFUSED/);
      expect(result.stderr).toMatch(/Redis takes no rate-limit bookings \(OOM command not allowed/);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
  }, 30_000);

  it.each([
    ['stopped', () => redis.stop()],
    ['frozen', async () => redis.freeze()],
  ])(
    'a worker connection to a %s Redis books in this process within a second or two',
    async (_state, takeAway) => {
      const { log, entries } = captureLog();
      const limiter = new RedisRateLimiter(await client('worker'), uniquePrefix('limiter-away'), log);
      await takeAway();
      try {
        const started = Date.now();
        expect(await limiter.reserve('llm:sim', lambda, 10_000)).toBe(0);
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(entries.filter((entry) => entry.level === 'warn')).toHaveLength(1);
      } finally {
        redis.thaw();
        await redis.restart();
      }
    },
    20_000,
  );
});
