import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisUnavailableError } from '../src/platform/errors.js';
import { connectRedis } from '../src/platform/redis-connection.js';
import { enqueueAlarm, enqueueInvestigation } from '../src/producer/enqueue.js';
import { AlarmParseError, EnqueueFailedError } from '../src/producer/errors.js';
import { INVESTIGATIONS_QUEUE } from '../src/producer/investigations-queue.js';
import { manualAlarm } from '../src/producer/manual-alarm.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { connectQueues, type PromptRcaQueues } from '../src/report/queues.js';
import { deleteKeys, distinctAlarms, openQueues, REDIS_URL, uniquePrefix } from './support/pipeline.js';

const prefix = uniquePrefix('enqueue');
const settings = { dedupeTtlSeconds: 3600, attempts: 4, backoffSeconds: 2 };
let queues: PromptRcaQueues;

beforeAll(async () => {
  queues = await openQueues(prefix);
});

afterAll(async () => {
  await queues.close();
  await deleteKeys(prefix);
});

/** Runs every waiting job through a no-op BullMQ worker that removes finished jobs at once. */
async function finishAndRemoveAll(): Promise<void> {
  const redis = await connectRedis(REDIS_URL, 'worker');
  const worker = new Worker(INVESTIGATIONS_QUEUE, async () => 'done', { connection: redis, prefix, removeOnComplete: { count: 0 } });
  while ((await queues.investigations.getJobCountByTypes('waiting', 'active')) > 0) await sleep(20);
  await worker.close();
  redis.disconnect();
}

describe('enqueueAlarm', () => {
  it('puts the alarm on promptrca-investigations as the contract says: job name, job id, data, retries', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2024, 0, 1));
    const receivedAt = new Date('2024-01-01T00:00:05.000Z');
    const result = await enqueueAlarm(queues.investigations, message, { source: 'test', settings, receivedAt });
    const expected = parseAlarmMessage(message);
    expect(result).toEqual({ outcome: 'new', investigationId: expected.investigationId, alarmName: 'orders-api-errors' });

    const job = await queues.investigations.getJob(expected.investigationId);
    expect(job?.name).toBe('investigate');
    expect(job?.data).toEqual({
      investigation_id: expected.investigationId,
      alarm: expected.alarm,
      received_at: '2024-01-01T00:00:05.000Z',
      source: 'test',
    });
    expect(job?.opts.attempts).toBe(4);
    expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 2000 });
  });

  it('says duplicate for the same alarm delivered twice, even within the same millisecond, and keeps one job', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2024, 0, 2));
    const receivedAt = new Date();
    const first = await enqueueAlarm(queues.investigations, message, { source: 'test', settings, receivedAt });
    const second = await enqueueAlarm(queues.investigations, structuredClone(message), { source: 'test', settings, receivedAt });
    expect(first.outcome).toBe('new');
    expect(second).toEqual({ ...first, outcome: 'duplicate' });
    const jobs = await queues.investigations.getJobs(['waiting']);
    expect(jobs.filter((job) => job.id === first.investigationId)).toHaveLength(1);
  });

  it('still says duplicate after the first investigation finished and its job was removed', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2024, 0, 3));
    const first = await enqueueAlarm(queues.investigations, message, { source: 'test', settings });
    await finishAndRemoveAll();
    expect(await queues.investigations.getJob(first.investigationId)).toBeUndefined();

    const again = await enqueueAlarm(queues.investigations, message, { source: 'test', settings });
    expect(again.outcome).toBe('duplicate');
    expect(await queues.investigations.getJob(first.investigationId)).toBeUndefined();
  });

  it('investigates the alarm again once the dedupe window has passed', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2024, 0, 4));
    const shortWindow = { ...settings, dedupeTtlSeconds: 1 };
    const first = await enqueueAlarm(queues.investigations, message, { source: 'test', settings: shortWindow });
    await finishAndRemoveAll();
    await sleep(1_100);
    const later = await enqueueAlarm(queues.investigations, message, { source: 'test', settings: shortWindow });
    expect(later).toEqual({ ...first, outcome: 'new' });
  });

  it('says new to exactly one of several replicas enqueueing the same alarm in the same millisecond', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2024, 0, 8));
    const receivedAt = new Date();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => enqueueAlarm(queues.investigations, message, { source: 'test', settings, receivedAt })),
    );
    expect(outcomes.map((result) => result.outcome).sort()).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'new',
    ]);
  });

  it('says duplicate while the job still waits, even after the dedupe window has passed', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2024, 0, 7));
    const shortWindow = { ...settings, dedupeTtlSeconds: 1 };
    const first = await enqueueAlarm(queues.investigations, message, { source: 'test', settings: shortWindow });
    await sleep(1_100);
    const later = await enqueueAlarm(queues.investigations, message, { source: 'test', settings: shortWindow });
    expect(later).toEqual({ ...first, outcome: 'duplicate' });
  });

  it('skips OK transitions with the reason and enqueues nothing', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2024, 0, 5)) as Array<{ detail: { state: { value: string } } }>;
    message!.detail.state.value = 'OK';
    const result = await enqueueAlarm(queues.investigations, message, { source: 'test', settings });
    expect(result.outcome).toBe('skipped');
    expect(result).toMatchObject({ reason: expect.stringContaining('transitioned to OK') });
    expect(await queues.investigations.getJob(result.investigationId)).toBeUndefined();
  });

  it('rejects what is not an alarm with AlarmParseError before touching Redis', async () => {
    await expect(enqueueAlarm(queues.investigations, { hello: 'world' }, { source: 'test', settings })).rejects.toBeInstanceOf(
      AlarmParseError,
    );
  });

  it('gives manual investigations fresh IDs, so they are never duplicates', async () => {
    const alarm = manualAlarm('checkout-api', 'eu-west-1');
    const a = await enqueueInvestigation(queues.investigations, { investigationId: 'inv-manual-a', alarm }, { source: 'test', settings });
    const b = await enqueueInvestigation(queues.investigations, { investigationId: 'inv-manual-b', alarm }, { source: 'test', settings });
    expect([a.outcome, b.outcome]).toEqual(['new', 'new']);
  });
});

describe('a Redis that does not answer', () => {
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never replies: the hang a paused or wedged Redis produces.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('is reported at once when nothing listens', async () => {
    const started = Date.now();
    await expect(connectQueues({ REDIS_URL: 'redis://127.0.0.1:1' })).rejects.toThrow(
      /cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/? \(connect ECONNREFUSED[^)]*\): start Redis or set REDIS_URL/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('is reported within seconds when the server accepts but never answers', async () => {
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    await expect(connectQueues({ REDIS_URL: `redis://127.0.0.1:${port}` })).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(Date.now() - started).toBeLessThan(7_000);
  });

  it('makes enqueueAlarm reject rather than wait when the connection is gone', async () => {
    const lost = await openQueues(prefix);
    lost.redis.disconnect();
    const [message] = distinctAlarms(1, Date.UTC(2024, 0, 6));
    const started = Date.now();
    await expect(enqueueAlarm(lost.investigations, message, { source: 'test', settings })).rejects.toBeInstanceOf(EnqueueFailedError);
    expect(Date.now() - started).toBeLessThan(6_000);
    await lost.close();
  });
});
