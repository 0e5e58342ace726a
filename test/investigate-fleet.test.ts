import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../src/platform/rate-limiter.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './support/pipeline.js';
import { runCli } from './support/run-cli.js';

const prefix = uniquePrefix('investigate-fleet');
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await deleteKeys(prefix);
  redis.disconnect();
});

// AWS on a closed port answers every call with a refused connection at once; no read is retried.
const AWS_NOWHERE = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'not-a-secret',
  AWS_REGION: 'us-east-1',
  PROMPTRCA_FACT_RETRY_SECONDS: '0',
};
async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
}

const INVESTIGATE = ['investigate', '--function-name', 'orders-api', '--orchestrator', 'direct', '--llm', 'none', '--json'];

describe('investigate with REDIS_URL set', () => {
  it("waits for its turn in the fleet's AWS rate limits in Redis, as the workers do", async () => {
    const limits = { PROMPTRCA_AWS_RATE_LIMITS: 'lambda=4', PROMPTRCA_AWS_RATE_SHARE: '1', REDIS_URL };
    // The fleet (here: this test) has booked the next 5 s of the account's Lambda budget.
    const fleet = new RedisRateLimiter(redis, prefix);
    for (let turn = 0; turn < 24; turn++) {
      await fleet.reserve('aws:default:us-east-1', [{ bucket: 'lambda', rate: { perSecond: 4, burst: 1 } }], 60_000);
    }
    const booked = await timed(() => runCli(INVESTIGATE, { ...AWS_NOWHERE, ...limits, PROMPTRCA_QUEUE_PREFIX: prefix }));
    const alone = await timed(() => runCli(INVESTIGATE, { ...AWS_NOWHERE, ...limits, PROMPTRCA_QUEUE_PREFIX: uniquePrefix('fleet-idle') }));
    expect(JSON.parse(booked.result.stdout)).toMatchObject({ investigation_id: expect.any(String) });
    console.log(`investigate after the fleet booked 6 s of Lambda turns: ${booked.ms} ms; alone: ${alone.ms} ms`);
    expect(booked.ms).toBeGreaterThan(4_000);
    expect(alone.ms).toBeLessThan(booked.ms - 2_000);
  }, 30_000);

  it('goes on with the limits held in its own process when Redis does not answer, saying so without the password', async () => {
    const result = await runCli(INVESTIGATE, {
      ...AWS_NOWHERE,
      REDIS_URL: 'redis://:hunter2-secret@127.0.0.1:9',
      PROMPTRCA_QUEUE_PREFIX: prefix,
    });
    expect(JSON.parse(result.stdout)).toMatchObject({ investigation_id: expect.any(String) });
    expect(result.stderr).toMatch(/127\.0\.0\.1:9 did not answer, so AWS rate limits and the LLM budget hold within this process only/);
    expect(result.stderr + result.stdout).not.toContain('hunter2-secret');
  });

  it('leaves Redis alone when it replays a recording', async () => {
    const replayPrefix = uniquePrefix('investigate-fleet-replay');
    const result = await runCli(['investigate', '--alarm', 'examples/lambda-timeout.json', '--orchestrator', 'direct', '--llm', 'none'], {
      REDIS_URL,
      PROMPTRCA_QUEUE_PREFIX: replayPrefix,
    });
    expect(result.code).toBe(0);
    expect(await redis.keys(`${replayPrefix}:*`)).toEqual([]);
  });
});
