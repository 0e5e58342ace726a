import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqsQueueError, SqsUnavailableError } from '../src/producer/errors.js';
import { ERROR_ATTRIBUTE, SqsBridge } from '../src/producer/sqs-bridge.js';
import { BridgeCounters } from '../src/producer/sqs-bridge-metrics.js';
import { describeQueue, type QueueInfo } from '../src/producer/sqs-queue.js';
import { connectQueues, type PromptRcaQueues } from '../src/report/queues.js';
import { memoryLogger } from './support/bridge.js';
import { TEST_CREDENTIALS } from './support/local-sqs.js';
import { deleteKeys, openQueues, uniquePrefix, waitFor } from './support/pipeline.js';
import { alarmBody, investigationIdOf, malformedBody } from './support/sqs-alarms.js';
import { ThrowawayRedis } from './support/throwaway-redis.js';

const sqs = new SQSClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });
const sqsMock = mockClient(sqs);
const QUEUE: QueueInfo = {
  url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/alarms',
  arn: 'arn:aws:sqs:eu-west-1:123456789012:alarms',
  visibilityTimeoutSeconds: 30,
  redrive: null,
  fifo: false,
};
const DLQ: QueueInfo = { ...QUEUE, url: `${QUEUE.url}-dlq.fifo`, arn: `${QUEUE.arn}-dlq.fifo`, fifo: true };

const prefix = uniquePrefix('sqs-edge');
let queues: PromptRcaQueues;

beforeAll(async () => {
  queues = await openQueues(prefix);
});

afterEach(() => {
  sqsMock.reset();
});

afterAll(async () => {
  await queues.close();
  await deleteKeys(prefix);
});

const message = (id: string, body: string, extra: Partial<Message> = {}): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: body,
  Attributes: { ApproximateReceiveCount: '1' },
  ...extra,
});

/** Answers ReceiveMessage with each batch in turn, then with nothing (after a pause, as a long poll would). */
function receiveBatches(...batches: Message[][]): void {
  sqsMock.on(ReceiveMessageCommand).callsFake(async () => {
    const next = batches.shift();
    if (next) return { Messages: next };
    await sleep(20);
    return {};
  });
}

function bridgeOn(options: { deadLetterQueue?: QueueInfo; onQueues?: PromptRcaQueues } = {}) {
  const { log, entries } = memoryLogger();
  const counters = new BridgeCounters(new Registry());
  const on = options.onQueues ?? queues;
  const bridge = new SqsBridge({
    sqs,
    queue: QUEUE,
    deadLetterQueue: options.deadLetterQueue ?? null,
    investigations: on.investigations,
    redis: on.redis,
    counters,
    log,
    settings: { dedupeTtlSeconds: 3_600, attempts: 1, backoffSeconds: 1 },
    backoff: { initialMs: 50, maxMs: 200 },
  });
  bridge.start();
  return { bridge, counters, entries };
}

/** Runs `test` on queues whose Redis was stopped, then removes that Redis. */
async function whileRedisIsDown(test: (down: PromptRcaQueues) => Promise<void>): Promise<void> {
  const redis = await ThrowawayRedis.start();
  const down = await connectQueues({ REDIS_URL: redis.url, PROMPTRCA_QUEUE_PREFIX: prefix });
  down.investigations.on('error', () => {});
  down.results.on('error', () => {});
  try {
    await redis.stop();
    await test(down);
  } finally {
    await down.close();
    await redis.remove();
  }
}

const deletedHandles = () =>
  sqsMock.commandCalls(DeleteMessageBatchCommand).flatMap((call) => call.args[0].input.Entries?.map((entry) => entry.ReceiptHandle) ?? []);

describe('sqs-bridge edge cases (aws-sdk-client-mock)', () => {
  it('a delete SQS refuses is logged; the message comes back and is not investigated twice', async () => {
    const body = alarmBody(7_000);
    receiveBatches([message('a', body), message('b', alarmBody(7_001))], [message('a', body, { ReceiptHandle: 'rh-a-again' })]);
    sqsMock
      .on(DeleteMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: '1' }],
        Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'expired' }],
      })
      .resolves({ Successful: [{ Id: '0' }] });
    const { bridge, counters, entries } = bridgeOn();
    await waitFor(() => counters.counts.received === 3 && deletedHandles().length === 3, 5_000);
    await bridge.stop();

    expect(counters.counts).toMatchObject({ enqueued: 2, duplicate: 1 });
    expect(deletedHandles()).toEqual(['rh-a', 'rh-b', 'rh-a-again']);
    expect(entries.find((entry) => entry.level === 'warn')?.message).toBe(
      'could not delete SQS message a (ReceiptHandleIsInvalid: expired): it will be delivered again and not investigated twice',
    );
    expect(await queues.investigations.getJob(investigationIdOf(body))).toBeDefined();
  });

  it('poison goes to a FIFO --dlq-url with its error, group and dedup id, and only then is deleted', async () => {
    const poison = malformedBody(1);
    receiveBatches([message('p', poison, { Attributes: { ApproximateReceiveCount: '1', MessageGroupId: 'g-1' } })]);
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }] });
    const { bridge, counters, entries } = bridgeOn({ deadLetterQueue: DLQ });
    await waitFor(() => deletedHandles().length === 1, 5_000);
    await bridge.stop();

    const sent = sqsMock.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({ QueueUrl: DLQ.url, MessageBody: poison, MessageGroupId: 'g-1', MessageDeduplicationId: 'p' });
    expect(sent.MessageAttributes?.[ERROR_ATTRIBUTE]?.StringValue).toContain('found keys [hello, n]');
    expect(counters.counts.poison).toBe(1);
    expect(entries.find((entry) => entry.level === 'warn')).toMatchObject({
      message: expect.stringMatching(/^poison message p moved to the dead-letter queue: input.Body is not a CloudWatch alarm/),
      receive_count: 1,
    });
  });

  it('poison the DLQ refuses stays in the queue, logged as an error', async () => {
    receiveBatches([message('p', malformedBody(0)), message('ok', alarmBody(7_100))]);
    sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('Access to the resource is denied.'), { name: 'AccessDenied' }));
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }] });
    const { bridge, entries } = bridgeOn({ deadLetterQueue: { ...DLQ, fifo: false } });
    await waitFor(() => deletedHandles().length === 1, 5_000);
    await bridge.stop();

    expect(deletedHandles()).toEqual(['rh-ok']);
    expect(entries.find((entry) => entry.level === 'error')?.message).toMatch(
      /^poison message p could not be sent to the dead-letter queue \(Access to the resource is denied\.\): left in the queue; input.Body is not JSON/,
    );
  });

  it('when SQS fails to answer, backs off, says so on /healthz, and carries on', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' });
    let receives = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(async () => {
      receives += 1;
      if (receives <= 2) throw throttled;
      await sleep(20);
      return receives === 3 ? { Messages: [message('after', alarmBody(7_300))] } : {};
    });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }] });
    const states: string[] = [];
    const { bridge, counters, entries } = bridgeOn();
    await waitFor(() => {
      states.push(bridge.health().state as string);
      return counters.counts.enqueued === 1;
    }, 5_000);
    await bridge.stop();

    expect(states).toContain('waiting_for_sqs');
    expect(bridge.health()).toMatchObject({ healthy: false, state: 'stopped' });
    expect(entries.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([
      'cannot receive from SQS (ThrottlingException: Rate exceeded): trying again in 0.05 s',
      'cannot receive from SQS (ThrottlingException: Rate exceeded): trying again in 0.1 s',
    ]);
  });

  it('while Redis is down, deletes nothing and makes the batch visible again at once', async () => {
    await whileRedisIsDown(async (down) => {
      receiveBatches([message('a', alarmBody(7_200)), message('b', alarmBody(7_200, 'raw')), message('c', alarmBody(7_201, 'raw', 'OK'))]);
      sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({});
      sqsMock.on(DeleteMessageBatchCommand).resolves({});
      const { bridge, counters } = bridgeOn({ onQueues: down });
      await waitFor(() => bridge.state === 'waiting_for_redis', 5_000);
      await bridge.stop();

      expect(counters.counts).toMatchObject({ received: 3, retried: 2, skipped: 1 });
      expect(deletedHandles()).toEqual(['rh-c']);
      const released = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input.Entries);
      expect(released).toEqual([
        [
          { Id: '0', ReceiptHandle: 'rh-a', VisibilityTimeout: 0 },
          { Id: '1', ReceiptHandle: 'rh-b', VisibilityTimeout: 0 },
        ],
      ]);
    });
  });

  it('while Redis is down, a release SQS throttles is sent again until every alarm is visible again', async () => {
    await whileRedisIsDown(async (down) => {
      receiveBatches([message('a', alarmBody(7_400)), message('b', alarmBody(7_401)), message('c', alarmBody(7_402))]);
      const throttled = Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $fault: 'client',
        $retryable: { throttling: true },
      });
      sqsMock
        .on(ChangeMessageVisibilityBatchCommand)
        .rejectsOnce(throttled)
        .resolvesOnce({
          Successful: [{ Id: '0' }],
          Failed: [
            { Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' },
            { Id: '2', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'expired' },
          ],
        })
        .resolves({ Successful: [{ Id: '0' }] });
      const { bridge, entries } = bridgeOn({ onQueues: down });
      await waitFor(() => sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).length === 3, 5_000);
      await bridge.stop();

      const released = sqsMock
        .commandCalls(ChangeMessageVisibilityBatchCommand)
        .map((call) => call.args[0].input.Entries?.map((entry) => entry.ReceiptHandle));
      expect(released).toEqual([['rh-a', 'rh-b', 'rh-c'], ['rh-a', 'rh-b', 'rh-c'], ['rh-b']]);
      expect(deletedHandles()).toEqual([]);
      expect(entries.filter((entry) => entry.message.startsWith('could not release')).map((entry) => entry.message)).toEqual([
        'could not release 3 messages (Rate exceeded): trying again in 0.05 s',
        'could not release 1 messages (ChangeMessageVisibilityBatch refused b: InternalError, c: ReceiptHandleIsInvalid): they come back after their visibility timeout',
        'could not release 1 messages (ChangeMessageVisibilityBatch refused b: InternalError, c: ReceiptHandleIsInvalid): trying again in 0.1 s',
      ]);
    });
  });
});

describe('describeQueue at start', () => {
  it('names a missing queue (exit 2)', async () => {
    sqsMock.on(GetQueueAttributesCommand).rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }));
    const error = await describeQueue(sqs, QUEUE.url, '--queue-url').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SqsQueueError);
    expect((error as SqsQueueError).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      `--queue-url ${QUEUE.url}: the queue does not exist (QueueDoesNotExist: The specified queue does not exist.); check the URL, the account and the endpoint`,
    );
  });

  it('names refused credentials (exit 2) and tells an unreachable SQS apart (exit 1)', async () => {
    sqsMock
      .on(GetQueueAttributesCommand)
      .rejectsOnce(
        Object.assign(new Error('The security token included in the request is invalid.'), {
          name: 'InvalidClientTokenId',
          $fault: 'client',
        }),
      )
      .rejectsOnce(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }));
    const refused = await describeQueue(sqs, QUEUE.url, '--queue-url').catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(SqsQueueError);
    expect((refused as Error).message).toMatch(
      /SQS refused the request \(InvalidClientTokenId: The security token .*\); check the URL, the AWS credentials/,
    );
    const unreachable = await describeQueue(sqs, QUEUE.url, '--dlq-url').catch((thrown: unknown) => thrown);
    expect(unreachable).toBeInstanceOf(SqsUnavailableError);
    expect((unreachable as SqsUnavailableError).exitCode).toBe(1);
    expect((unreachable as Error).message).toBe(`--dlq-url ${QUEUE.url}: cannot reach SQS (connect ECONNREFUSED 10.0.0.1:443)`);
  });

  it('reads the visibility timeout and the redrive policy the bridge works with', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        QueueArn: QUEUE.arn,
        VisibilityTimeout: '45',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ.arn, maxReceiveCount: '4' }),
      },
    });
    expect(await describeQueue(sqs, QUEUE.url, '--queue-url')).toEqual({
      url: QUEUE.url,
      arn: QUEUE.arn,
      visibilityTimeoutSeconds: 45,
      redrive: { deadLetterTargetArn: DLQ.arn, maxReceiveCount: 4 },
      fifo: false,
    });
  });
});
