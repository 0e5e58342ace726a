import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { SharedFacts } from '../src/orchestrators/aws/shared-facts.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './support/pipeline.js';

const prefix = uniquePrefix('shared-facts');
const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await deleteKeys(prefix);
});

/** Two processes' worth: each its own connection and its own in-process single flight. */
const fleet = () => connections.map((redis) => new SharedFacts({ redis, keyPrefix: prefix, ttlSeconds: 60 }));

describe('facts shared across the fleet', () => {
  it('one fetch answers every concurrent caller of both processes, each with its own copy, dates intact', async () => {
    let fetches = 0;
    const fetch = async () => {
      fetches += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { Values: [1, 2], Timestamps: [new Date('2024-03-12T10:00:00Z')] };
    };
    const [a, b] = fleet();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a! : b!).answer('k1', fetch, 5_000)));
    expect(fetches).toBe(1);
    for (const answer of answers) expect(answer).toEqual({ Values: [1, 2], Timestamps: [new Date('2024-03-12T10:00:00Z')] });
    (answers[0] as { Values: number[] }).Values.push(3);
    expect((answers[1] as { Values: number[] }).Values).toEqual([1, 2]);
    // Later callers are answered from Redis.
    expect(await fleet()[1]!.answer('k1', fetch, 5_000)).toEqual(answers[1]);
    expect(fetches).toBe(1);
  });

  it('never shares an error: the next caller fetches again', async () => {
    const [a] = fleet();
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return { ok: true };
    };
    await expect(a!.answer('k2', flaky, 5_000)).rejects.toThrow('Rate exceeded');
    expect(await a!.answer('k2', flaky, 5_000)).toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it('expires answers after the TTL', async () => {
    const facts = new SharedFacts({ redis: connections[0]!, keyPrefix: prefix, ttlSeconds: 1 });
    await facts.answer('k3', async () => ({ n: 1 }), 5_000);
    expect(await connections[0]!.pttl(`${prefix}:aws-facts:k3`)).toBeLessThanOrEqual(1000);
  });
});
