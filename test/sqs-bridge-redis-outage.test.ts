import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectQueues, type PromptRcaQueues } from '../src/report/queues.js';
import { startBridge } from './support/bridge.js';
import { type LocalSqs, messagesIn, sendBodies, startLocalSqs } from './support/local-sqs.js';
import { uniquePrefix, waitFor } from './support/pipeline.js';
import { alarmBody, investigationIdOf } from './support/sqs-alarms.js';
import { ThrowawayRedis } from './support/throwaway-redis.js';

let local: LocalSqs;
let redis: ThrowawayRedis;
let queues: PromptRcaQueues;

beforeAll(async () => {
  [local, redis] = await Promise.all([startLocalSqs(), ThrowawayRedis.start()]);
  queues = await connectQueues({ REDIS_URL: redis.url, PROMPTRCA_QUEUE_PREFIX: uniquePrefix('sqs-outage') });
  queues.investigations.on('error', () => {});
  queues.results.on('error', () => {});
});

afterAll(async () => {
  await queues.close();
  await Promise.all([local.stop(), redis.remove()]);
});

async function jobCount(ids: string[]): Promise<number> {
  const jobs = await Promise.all(ids.map((id) => queues.investigations.getJob(id)));
  return jobs.filter((job) => job !== undefined).length;
}

describe('sqs-bridge while Redis goes away', () => {
  it('deletes nothing while Redis is down, resumes by itself, and loses and duplicates nothing', async () => {
    const queue = await local.createQueue('outage', { VisibilityTimeout: '5' });
    const before = Array.from({ length: 300 }, (_, index) => alarmBody(5_000 + index));
    const during = Array.from({ length: 100 }, (_, index) => alarmBody(5_300 + index));
    const redelivered = before.slice(0, 30).map((_, index) => alarmBody(5_000 + index, 'raw'));
    const ids = [...before, ...during].map(investigationIdOf);
    await sendBodies(local.sqs, queue.url, [...before, ...redelivered]);

    const { bridge, counters, entries } = await startBridge(local.sqs, queues, queue.url, {
      waitTimeSeconds: 1,
      backoff: { initialMs: 200, maxMs: 1_000 },
    });
    await waitFor(
      () => counters.counts.enqueued >= 50,
      10_000,
      () => JSON.stringify(counters.counts),
    );
    await redis.stop();
    await sendBodies(local.sqs, queue.url, during);
    await waitFor(
      () => bridge.state === 'waiting_for_redis',
      10_000,
      () => bridge.state,
    );
    await sleep(1_500);

    // Every message not acknowledged by Redis is still in SQS.
    const { visible, inFlight } = await messagesIn(local.sqs, queue.url);
    expect(visible + inFlight).toBe(430 - counters.counts.enqueued - counters.counts.duplicate);
    expect(counters.counts.retried).toBeGreaterThan(0);
    expect(bridge.health()).toMatchObject({ healthy: false, state: 'waiting_for_redis' });

    await redis.restart();
    await waitFor(
      async () => (await messagesIn(local.sqs, queue.url)).visible === 0 && (await jobCount(ids)) === 400,
      20_000,
      () => JSON.stringify(counters.counts),
    );
    await bridge.stop();

    expect(await messagesIn(local.sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(await queues.investigations.getJobCountByTypes('waiting')).toBe(400);
    expect(counters.counts.enqueued + counters.counts.duplicate).toBe(430);
    const messages = entries.map((entry) => `${entry.level} ${entry.message}`);
    expect(messages.some((text) => /^error Redis did not take \d+ alarms \(.+\): they stay in SQS/.test(text))).toBe(true);
    expect(messages).toContain('info Redis answers again: receiving from SQS');
  });

  it('keeps a slow batch hidden from other consumers, and a stop finishes it before returning', async () => {
    const queue = await local.createQueue('slow-batch', { VisibilityTimeout: '1' });
    const bodies = Array.from({ length: 5 }, (_, index) => alarmBody(6_000 + index));
    const { bridge, counters } = await startBridge(local.sqs, queues, queue.url, { waitTimeSeconds: 1 });
    redis.freeze();
    try {
      await sendBodies(local.sqs, queue.url, bodies);
      await waitFor(
        () => counters.counts.received === 5,
        5_000,
        () => JSON.stringify(counters.counts),
      );
      const stopped = bridge.stop();

      // Longer than twice the visibility timeout: without the heartbeat another consumer would get them.
      const other = await local.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 3 }));
      expect(other.Messages ?? []).toEqual([]);
      expect(bridge.state).toBe('stopping');

      redis.thaw();
      await stopped;
    } finally {
      redis.thaw();
    }
    expect(counters.counts).toMatchObject({ received: 5, enqueued: 5 });
    expect(await jobCount(bodies.map(investigationIdOf))).toBe(5);
    expect(await messagesIn(local.sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });
});
