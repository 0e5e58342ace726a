import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { connectRedis } from '../src/platform/redis-connection.js';
import { INVESTIGATIONS_QUEUE } from '../src/producer/investigations-queue.js';
import { ERROR_ATTRIBUTE } from '../src/producer/sqs-bridge.js';
import { readMessage } from '../src/producer/sqs-message-outcome.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import { startBridge } from './support/bridge.js';
import { type LocalSqs, messagesIn, receiveAll, sendBodies, startLocalSqs, TEST_CREDENTIALS, TEST_REGION } from './support/local-sqs.js';
import { deleteKeys, openQueues, REDIS_URL, uniquePrefix, waitFor } from './support/pipeline.js';
import { alarmBody, investigationIdOf, malformedBody, rawAlarm } from './support/sqs-alarms.js';

let local: LocalSqs;

beforeAll(async () => {
  local = await startLocalSqs();
});

afterAll(async () => {
  await local.stop();
});

/** Investigations queues of the test's own, so a stand-in worker sees only that test's jobs. */
async function ownQueues(): Promise<PromptRcaQueues> {
  const prefix = uniquePrefix('sqs-bridge');
  const queues = await openQueues(prefix);
  onTestFinished(async () => {
    await queues.close();
    await deleteKeys(prefix);
  });
  return queues;
}

/** Deterministic shuffle, so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let i = result.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

async function jobIdsFor(queues: PromptRcaQueues, ids: string[]): Promise<string[]> {
  const jobs = await Promise.all(ids.map((id) => queues.investigations.getJob(id)));
  return jobs.flatMap((job) => (job?.id ? [job.id] : []));
}

describe('sqs-bridge against fauxqs over HTTP', () => {
  it('takes alarms delivered by SNS with and without raw delivery: one investigation per alarm, OK skipped', async () => {
    const queues = await ownQueues();
    const queue = await local.createQueue('sns-delivery');
    const sns = new SNSClient({ region: TEST_REGION, endpoint: local.endpoint, credentials: TEST_CREDENTIALS });
    // Each alarm notifies two topics (two alarm actions): one delivers the envelope, the other raw.
    const topics: string[] = [];
    for (const raw of ['false', 'true']) {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `alarms-raw-${raw}` }));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: raw } }));
      topics.push(TopicArn!);
    }
    const alarms = [rawAlarm(101), rawAlarm(102), rawAlarm(103, 'OK')];
    for (const alarm of alarms) {
      for (const TopicArn of topics) await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify(alarm), Subject: 'ALARM' }));
    }
    sns.destroy();

    const { bridge, counters } = await startBridge(local.sqs, queues, queue.url);
    await waitFor(
      () => counters.counts.received === 6,
      10_000,
      () => JSON.stringify(counters.counts),
    );
    await bridge.stop();

    expect(counters.counts).toEqual({ received: 6, enqueued: 2, duplicate: 2, skipped: 2, poison: 0, retried: 0 });
    const ids = alarms.slice(0, 2).map((alarm) => investigationIdOf(JSON.stringify(alarm)));
    const jobs = await Promise.all(ids.map((id) => queues.investigations.getJob(id)));
    expect(jobs.map((job) => [job?.data.source, job?.data.alarm.name, job?.data.alarm.format])).toEqual([
      ['sqs', 'bridge-test-101', 'sns-in-sqs'],
      ['sqs', 'bridge-test-102', 'sns-in-sqs'],
    ]);
    expect(await messagesIn(local.sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('1,000 messages, 10% duplicates, 5% malformed: every alarm investigated once, every malformed one in the DLQ with its reason', async () => {
    const queues = await ownQueues();
    const queue = await local.createQueue('alarms-1000');
    const dlq = await local.createQueue('alarms-1000-dlq');
    const distinct = Array.from({ length: 850 }, (_, index) => alarmBody(1_000 + index));
    // Duplicates arrive in another wire shape as often as in the same one: same alarm, same investigation.
    const duplicates = Array.from({ length: 100 }, (_, index) => alarmBody(1_000 + index * 8, index % 2 ? 'raw' : 'eventbridge'));
    const malformed = Array.from({ length: 50 }, (_, index) => malformedBody(index));
    await sendBodies(local.sqs, queue.url, shuffled([...distinct, ...duplicates, ...malformed], 42));
    const expectedIds = distinct.map(investigationIdOf);

    // A stand-in worker that finishes and removes each job at once, so a late duplicate meets
    // only the deduplication key, not the job.
    const workerRedis = await connectRedis(REDIS_URL, 'worker');
    const investigated: string[] = [];
    const worker = new Worker(INVESTIGATIONS_QUEUE, async (job) => void investigated.push(job.id!), {
      connection: workerRedis,
      prefix: queues.prefix,
      concurrency: 50,
      removeOnComplete: { count: 0 },
    });

    const started = Date.now();
    const { bridge, counters } = await startBridge(local.sqs, queues, queue.url, { dlqUrl: dlq.url });
    await waitFor(
      () => counters.counts.received >= 1_000 && investigated.length >= 850,
      40_000,
      () => JSON.stringify(counters.counts),
    );
    await bridge.stop();
    const seconds = (Date.now() - started) / 1000;
    await worker.close();
    workerRedis.disconnect();

    expect(counters.counts).toMatchObject({ received: 1_000, skipped: 0, poison: 50, retried: 0 });
    // A job finished and removed between its add and the read-back counts as a duplicate (see
    // enqueueInvestigation), so only the sum is exact; what was investigated is exact.
    expect(counters.counts.enqueued + counters.counts.duplicate).toBe(950);
    expect([...investigated].sort()).toEqual([...expectedIds].sort());
    expect(await messagesIn(local.sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });

    const deadLetters = await receiveAll(local.sqs, dlq.url);
    expect(deadLetters.map((message) => message.Body).sort()).toEqual([...malformed].sort());
    for (const message of deadLetters) {
      const expected = readMessage({ MessageId: message.MessageId, Body: message.Body });
      expect(message.MessageAttributes?.[ERROR_ATTRIBUTE]?.StringValue).toBe(expected.kind === 'poison' ? expected.reason : 'not poison');
      expect(message.MessageAttributes?.promptrca_source_queue?.StringValue).toBe(queue.arn);
    }
    expect(seconds).toBeLessThan(40);
  });

  it("without --dlq-url leaves poison for the queue's redrive policy and logs each delivery with its count", async () => {
    const queues = await ownQueues();
    const redriveDlq = await local.createQueue('redrive-dlq');
    const queue = await local.createQueue('with-redrive', {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: redriveDlq.arn, maxReceiveCount: '2' }),
    });
    const poison = malformedBody(0);
    await sendBodies(local.sqs, queue.url, [poison, alarmBody(2_001)]);

    const { bridge, counters, entries } = await startBridge(local.sqs, queues, queue.url, { waitTimeSeconds: 1 });
    await waitFor(
      async () => (await messagesIn(local.sqs, redriveDlq.url)).visible === 1,
      15_000,
      () => JSON.stringify(counters.counts),
    );
    await bridge.stop();

    expect(counters.counts).toMatchObject({ enqueued: 1, poison: 2 });
    const [moved] = await receiveAll(local.sqs, redriveDlq.url);
    expect(moved?.Body).toBe(poison);
    const poisonLogs = entries.filter((entry) => entry.message.startsWith('poison message'));
    expect(poisonLogs.map((entry) => [entry.level, entry.receive_count, entry.max_receive_count])).toEqual([
      ['warn', 1, 2],
      ['warn', 2, 2],
    ]);
    expect(poisonLogs[1]?.message).toContain(`delivery 2 of 2 before the queue's redrive policy moves it to ${redriveDlq.arn}`);
    expect(poisonLogs[1]?.message).toContain('is not JSON');
    expect(await messagesIn(local.sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('two replicas on one queue enqueue each alarm once between them', async () => {
    const queues = await ownQueues();
    const queue = await local.createQueue('replicas');
    const distinct = Array.from({ length: 200 }, (_, index) => alarmBody(3_000 + index));
    const duplicates = distinct.slice(0, 40).map((_, index) => alarmBody(3_000 + index, 'raw'));
    const replicas = await Promise.all([startBridge(local.sqs, queues, queue.url), startBridge(local.sqs, queues, queue.url)]);
    await sendBodies(local.sqs, queue.url, shuffled([...distinct, ...duplicates], 7));

    const total = (name: 'received' | 'enqueued' | 'duplicate') =>
      replicas.reduce((sum, replica) => sum + replica.counters.counts[name], 0);
    await waitFor(
      () => total('received') >= 240,
      20_000,
      () => `received ${total('received')}`,
    );
    await Promise.all(replicas.map((replica) => replica.bridge.stop()));

    expect([total('received'), total('enqueued'), total('duplicate')]).toEqual([240, 200, 40]);
    const ids = distinct.map(investigationIdOf);
    expect(await jobIdsFor(queues, ids)).toEqual(ids);
    expect(await messagesIn(local.sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });
});
