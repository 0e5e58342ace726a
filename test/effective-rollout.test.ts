import { Transform } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { ConfigError } from '../src/platform/errors.js';
import { assignOrchestrator } from '../src/rollout/assignment.js';
import { CachedRolloutReader } from '../src/rollout/cached-rollout-reader.js';
import { effectiveRollout } from '../src/rollout/effective-rollout.js';
import { InvalidStoredRolloutError } from '../src/rollout/errors.js';
import { parseStoredRollout, rolloutKey } from '../src/rollout/rollout-state.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './support/pipeline.js';

const ENV_AT_10 = { PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true', PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '10' };

describe('effectiveRollout', () => {
  it('takes the environment, then the defaults, while nothing is stored', () => {
    const rollout = effectiveRollout({ PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true' }, null);
    expect(rollout.enabled).toEqual({ value: true, source: 'env' });
    expect(rollout.percentage).toEqual({ value: 100, source: 'default' });
    expect(rollout.force).toEqual({ value: null, source: 'default' });
    expect(rollout.flags).toEqual({ useDirect: true, percentage: 100, force: null, origin: 'env' });
  });

  it('lets each stored value win over the environment, value by value', () => {
    const rollout = effectiveRollout(ENV_AT_10, { percentage: 25 });
    expect(rollout.enabled).toEqual({ value: true, source: 'env' });
    expect(rollout.percentage).toEqual({ value: 25, source: 'redis' });
    expect(rollout.direct_percentage).toBe(25);
    expect(rollout.flags.origin).toBe('redis');
  });

  it('turns direct orchestration on from Redis even when the environment has it off', () => {
    const rollout = effectiveRollout({ PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'false' }, { enabled: true, percentage: 25 });
    expect(rollout.direct_percentage).toBe(25);
    expect(rollout.flags).toMatchObject({ useDirect: true, percentage: 25 });
  });

  it('routes nothing to direct while disabled, whatever the stored percentage', () => {
    expect(effectiveRollout(ENV_AT_10, { enabled: false, percentage: 50 }).direct_percentage).toBe(0);
  });

  it('keeps FORCE winning over stored state, and says the other values are overridden', () => {
    const rollout = effectiveRollout({ ...ENV_AT_10, PROMPTRCA_FORCE_ORCHESTRATOR: 'agent_tools' }, { enabled: true, percentage: 100 });
    expect(rollout.force).toEqual({ value: 'agent_tools', source: 'env' });
    expect(rollout.percentage.source).toBe('force');
    expect(assignOrchestrator('inv-1', rollout.flags)).toMatchObject({ orchestrator_type: 'agent_tools', source: 'force' });
  });

  it('tags assignments made from stored state with source redis, and from the environment with env', () => {
    expect(assignOrchestrator('inv-1', effectiveRollout(ENV_AT_10, { percentage: 100 }).flags)).toMatchObject({
      orchestrator_type: 'direct_invocation',
      source: 'redis',
      percentage: 100,
    });
    expect(assignOrchestrator('inv-1', effectiveRollout(ENV_AT_10, null).flags).source).toBe('env');
  });

  it('still refuses an invalid environment', () => {
    expect(() => effectiveRollout({ PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '150' }, { percentage: 10 })).toThrow(ConfigError);
  });
});

describe('parseStoredRollout', () => {
  it('reads what rollout set writes and ignores other fields', () => {
    expect(parseStoredRollout('k', { enabled: 'true', percentage: '25', note: 'x' })).toEqual({ enabled: true, percentage: 25 });
    expect(parseStoredRollout('k', {})).toEqual({});
  });

  it.each([
    [{ percentage: '150' }, /k percentage="150" is not valid: allowed a whole number from 0 to 100/],
    [{ percentage: '2.5' }, /k percentage="2.5"/],
    [{ enabled: 'yes' }, /k enabled="yes" is not valid: allowed true or false/],
  ])('names the key, field and value of garbage: %j', (hash, message) => {
    expect(() => parseStoredRollout('k', hash)).toThrow(InvalidStoredRolloutError);
    expect(() => parseStoredRollout('k', hash)).toThrow(message);
  });
});

describe('CachedRolloutReader against Redis', () => {
  const prefix = uniquePrefix('effective-rollout');
  const key = rolloutKey(prefix);
  const logged: Array<Record<string, unknown>> = [];
  let redis: Redis;
  let clock = 0;
  let changes = 0;
  let reader: CachedRolloutReader;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    const capture = new Transform({
      objectMode: true,
      transform(info: Record<string, unknown>, _encoding, done) {
        logged.push(info);
        done();
      },
    });
    const log = winston.createLogger({ transports: [new winston.transports.Stream({ stream: capture })] });
    reader = new CachedRolloutReader({ redis, prefix, env: ENV_AT_10, log, now: () => clock, onChange: () => (changes += 1) });
  });

  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('reads Redis at most once per second and follows a change after it', async () => {
    expect((await reader.current()).direct_percentage).toBe(10);
    await redis.hset(key, 'percentage', '25');
    clock += 999;
    expect((await reader.current()).direct_percentage).toBe(10);
    clock += 1;
    expect((await reader.current()).direct_percentage).toBe(25);
    expect(changes).toBe(2);
  });

  it('shares one read between dequeues that start together', async () => {
    clock += 1_000;
    const [first, second] = [reader.current(), reader.current()];
    expect(first).toBe(second);
    await first;
  });

  it('routes with the environment, logging the key and value, while the stored state is garbage', async () => {
    await redis.hset(key, 'percentage', 'lots');
    clock += 1_000;
    const rollout = await reader.current();
    expect(rollout.flags).toMatchObject({ useDirect: true, percentage: 10, origin: 'env' });
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        key,
        value: 'lots',
        message: expect.stringContaining(`${key} percentage="lots" is not valid`),
      }),
    );
    await redis.hset(key, 'percentage', '50');
    clock += 1_000;
    expect((await reader.current()).direct_percentage).toBe(50);
  });
});
