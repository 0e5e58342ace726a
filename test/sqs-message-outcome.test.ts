import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { RetryBackoff } from '../src/platform/backoff.js';
import type { EnqueueResult } from '../src/producer/enqueue.js';
import { SqsQueueError } from '../src/producer/errors.js';
import {
  dispositionOf,
  type EnqueueAttempt,
  outcomeOf,
  planBatch,
  readMessage,
  receiveCountOf,
} from '../src/producer/sqs-message-outcome.js';
import { checkQueueUrl, parseRedrivePolicy, regionOfQueueUrl } from '../src/producer/sqs-queue.js';
import { alarmBody, investigationIdOf, malformedBody, WIRE_SHAPES } from './support/sqs-alarms.js';

const message = (body: string | undefined, id = 'm-1'): Message => ({ MessageId: id, Body: body, ReceiptHandle: `rh-${id}` });

describe('readMessage', () => {
  it('reads the same alarm from every wire shape SQS delivers as one investigation', () => {
    const contents = WIRE_SHAPES.map((shape) => readMessage(message(alarmBody(7, shape))));
    const ids = contents.map((content) => (content.kind === 'alarm' ? content.target.investigationId : content.kind));
    expect(new Set(ids)).toEqual(new Set([investigationIdOf(alarmBody(7, 'raw'))]));
    const formats = contents.map((content) => (content.kind === 'alarm' ? content.target.alarm.format : null));
    expect(formats).toEqual(['sns-in-sqs', 'sns-in-sqs', 'sns-in-sqs', 'eventbridge']);
  });

  it.each(['OK', 'INSUFFICIENT_DATA'] as const)('skips %s transitions with the reason', (state) => {
    const content = readMessage(message(alarmBody(8, 'sns-envelope', state)));
    expect(content).toMatchObject({
      kind: 'skip',
      alarmName: 'bridge-test-8',
      reason: expect.stringContaining(`transitioned to ${state}`),
    });
  });

  it.each([
    [0, 'is not JSON'],
    [1, 'found keys [hello, n]'],
    [2, 'Body.Message is not JSON'],
    [3, '"CloudWatch Alarm Configuration Change"'],
    [4, 'has state-change time "yesterday"'],
  ])('calls malformed body #%i poison, saying why (%s)', (index, why) => {
    const content = readMessage(message(malformedBody(index)));
    expect(content.kind).toBe('poison');
    expect(content.kind === 'poison' && content.reason).toContain(why);
  });

  it('calls a message without a body poison', () => {
    expect(readMessage(message(undefined))).toEqual({ kind: 'poison', reason: 'the message has no body' });
  });
});

describe('planBatch', () => {
  it('enqueues the same alarm once per batch, whatever shapes its copies arrived in', () => {
    const planned = planBatch([
      message(alarmBody(1, 'raw'), 'a'),
      message(alarmBody(2, 'raw'), 'b'),
      message(alarmBody(1, 'eventbridge'), 'c'),
      message(malformedBody(0), 'd'),
      message(alarmBody(1, 'sns-envelope'), 'e'),
    ]);
    expect(planned.map((entry) => entry.copyOf)).toEqual([null, null, 0, null, 0]);
    expect(planned.map((entry) => entry.content.kind)).toEqual(['alarm', 'alarm', 'alarm', 'poison', 'alarm']);
  });
});

describe('outcomeOf and dispositionOf', () => {
  const [alarm, copy] = planBatch([message(alarmBody(1, 'raw'), 'a'), message(alarmBody(1, 'sns-envelope'), 'b')]);
  const result = (outcome: 'new' | 'duplicate'): EnqueueAttempt => ({
    ok: true,
    result: { outcome, investigationId: 'inv-x', alarmName: 'bridge-test-1' } as EnqueueResult,
  });
  const failed: EnqueueAttempt = { ok: false, error: new Error('Redis away') };

  it('names what became of each message', () => {
    expect(outcomeOf(alarm!, result('new'))).toBe('enqueued');
    expect(outcomeOf(alarm!, result('duplicate'))).toBe('duplicate');
    expect(outcomeOf(copy!, result('new'))).toBe('duplicate');
    expect(outcomeOf(alarm!, failed)).toBe('retried');
    expect(outcomeOf(copy!, failed)).toBe('retried');
    const [poison, skip] = planBatch([message(malformedBody(1)), message(alarmBody(3, 'raw', 'OK'))]);
    expect(outcomeOf(poison!, null)).toBe('poison');
    expect(outcomeOf(skip!, null)).toBe('skipped');
  });

  it('deletes only what Redis took or what needs no investigation, and never drops poison', () => {
    expect(['enqueued', 'duplicate', 'skipped'].map((o) => dispositionOf(o as 'enqueued', false))).toEqual(['delete', 'delete', 'delete']);
    expect(dispositionOf('poison', true)).toBe('dead-letter');
    expect(dispositionOf('poison', false)).toBe('leave');
    expect(dispositionOf('retried', true)).toBe('release');
    expect(dispositionOf('retried', false)).toBe('release');
  });
});

describe('receiveCountOf', () => {
  it('reads ApproximateReceiveCount, or null when SQS did not send it', () => {
    expect(receiveCountOf({ Attributes: { ApproximateReceiveCount: '3' } })).toBe(3);
    expect(receiveCountOf({})).toBeNull();
  });
});

describe('RetryBackoff', () => {
  it('doubles from 1 s up to 30 s and starts over after a success', () => {
    const backoff = new RetryBackoff({ initialMs: 1_000, maxMs: 30_000 });
    expect(Array.from({ length: 7 }, () => backoff.next())).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    backoff.reset();
    expect(backoff.next()).toBe(1_000);
  });
});

describe('queue URLs and redrive policies', () => {
  it('accepts AWS and emulator queue URLs and names the region of AWS ones', () => {
    const aws = 'https://sqs.eu-west-1.amazonaws.com/123456789012/alarms';
    expect(checkQueueUrl(aws, '--queue-url')).toBe(aws);
    expect(regionOfQueueUrl(aws)).toBe('eu-west-1');
    expect(regionOfQueueUrl('https://ap-south-1.queue.amazonaws.com/123456789012/alarms')).toBe('ap-south-1');
    expect(regionOfQueueUrl('http://localhost:4566/000000000000/alarms')).toBeNull();
  });

  it.each([
    ['alarms', 'is not a URL'],
    ['ftp://sqs.eu-west-1.amazonaws.com/123456789012/alarms', 'is not an SQS queue URL'],
    ['https://sqs.eu-west-1.amazonaws.com/alarms', 'is not an SQS queue URL'],
  ])('rejects %s naming the option and the expected form', (url, why) => {
    expect(() => checkQueueUrl(url, '--dlq-url')).toThrow(SqsQueueError);
    expect(() => checkQueueUrl(url, '--dlq-url')).toThrow(
      new RegExp(`--dlq-url .*${why}.*https://sqs.us-east-1.amazonaws.com/123456789012/`),
    );
  });

  it('reads a redrive policy, whether maxReceiveCount is a string or a number', () => {
    const arn = 'arn:aws:sqs:eu-west-1:123456789012:alarms-dlq';
    expect(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: '5' }))).toEqual({
      deadLetterTargetArn: arn,
      maxReceiveCount: 5,
    });
    expect(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 3 }))?.maxReceiveCount).toBe(3);
    expect(parseRedrivePolicy(undefined)).toBeNull();
    expect(parseRedrivePolicy('{not json')).toBeNull();
  });
});
