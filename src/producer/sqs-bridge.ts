import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Queue } from 'bullmq';
import type { Logger } from 'winston';
import { type BackoffOptions, RetryBackoff } from '../platform/backoff.js';
import { isTransientError } from '../platform/error-kind.js';
import { errorMessage } from '../platform/errors.js';
import type { Health } from '../platform/metrics-server.js';
import { redisState } from '../platform/readiness.js';
import type { RedisClient } from '../platform/redis-connection.js';
import { enqueueInvestigation } from './enqueue.js';
import type { EnqueueSettings } from './enqueue-settings.js';
import { SqsBatchEntriesError } from './errors.js';
import type { InvestigationJobData, InvestigationTarget } from './investigation-job.js';
import type { BridgeCounters } from './sqs-bridge-metrics.js';
import {
  type Disposition,
  dispositionOf,
  type EnqueueAttempt,
  type MessageContent,
  type MessageOutcome,
  outcomeOf,
  type PlannedMessage,
  planBatch,
  receiveCountOf,
} from './sqs-message-outcome.js';
import type { QueueInfo } from './sqs-queue.js';

/** SQS's maximum per ReceiveMessage, and per batch delete / visibility change. */
export const SQS_BATCH_SIZE = 10;
/** SQS's longest long poll. */
export const SQS_MAX_WAIT_SECONDS = 20;
/** The job's `source` (the documented job data). */
export const SQS_SOURCE = 'sqs';
/** Message attribute that carries the parse error to the dead-letter queue. */
export const ERROR_ATTRIBUTE = 'promptrca_error';
const MAX_ERROR_ATTRIBUTE_CHARS = 4_000;
/** Tries in all of a release that SQS refuses for a reason of its own (throttling, a 5xx). */
const RELEASE_ATTEMPTS = 3;

export interface SqsBridgeOptions {
  sqs: SQSClient;
  queue: QueueInfo;
  /** --dlq-url: poison messages are sent there with their error, then deleted. */
  deadLetterQueue: QueueInfo | null;
  investigations: Queue<InvestigationJobData>;
  /** The connection `investigations` uses, pinged while Redis is away. */
  redis: RedisClient;
  counters: BridgeCounters;
  log: Logger;
  /** @defaultValue the PROMPTRCA_DEDUPE_TTL_SECONDS / _JOB_ATTEMPTS / _JOB_BACKOFF_SECONDS environment */
  settings?: EnqueueSettings;
  /** Long-poll wait of each ReceiveMessage. @defaultValue 20 (the most SQS allows) */
  waitTimeSeconds?: number;
  /** Pause after Redis or SQS failed, doubling from `initialMs` up to `maxMs`. @defaultValue 1 s up to 30 s */
  backoff?: BackoffOptions;
  /** How often the counters are logged while running. @defaultValue 60000 */
  statsIntervalMs?: number;
}

export type BridgeState = 'polling' | 'waiting_for_redis' | 'waiting_for_sqs' | 'stopping' | 'stopped';

interface Settled {
  planned: PlannedMessage;
  outcome: MessageOutcome;
}

const seconds = (ms: number) => `${ms / 1000} s`;
const poisonReason = (content: MessageContent) => (content.kind === 'poison' ? content.reason : '');

/** The messages a batch request did not get through, each with whether sending it again can succeed. */
function refusedOf(messages: Message[], error: unknown): Array<{ message: Message; transient: boolean }> {
  if (error instanceof SqsBatchEntriesError) {
    return error.refused.flatMap(({ index, senderFault }) => {
      const message = messages[index];
      return message ? [{ message, transient: !senderFault }] : [];
    });
  }
  const transient = isTransientError(error);
  return messages.map((message) => ({ message, transient }));
}

/**
 * Moves CloudWatch alarm notifications from an SQS queue onto the investigations queue, modelled on
 * sqs-consumer's Consumer: long-poll a batch, enqueue each alarm with its investigation ID as job id,
 * and delete a message only once Redis acknowledged its job. Replicas may share one queue: SQS
 * hides a batch from the others while one holds it, and the job id makes a second enqueue a no-op.
 */
export class SqsBridge {
  private readonly options: SqsBridgeOptions;
  private readonly log: Logger;
  private readonly stopRequest = new AbortController();
  private readonly backoff: BackoffOptions;
  private readonly redisBackoff: RetryBackoff;
  private readonly sqsBackoff: RetryBackoff;
  private activity: 'polling' | 'waiting_for_redis' | 'waiting_for_sqs' = 'polling';
  private running: Promise<void> | null = null;
  private statsTimer: NodeJS.Timeout | undefined;

  constructor(options: SqsBridgeOptions) {
    this.options = options;
    this.log = options.log;
    this.backoff = options.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
    this.redisBackoff = new RetryBackoff(this.backoff);
    this.sqsBackoff = new RetryBackoff(this.backoff);
  }

  get state(): BridgeState {
    if (this.running === null) return 'stopped';
    if (this.stopRequest.signal.aborted) return 'stopping';
    return this.activity;
  }

  /** For /readyz: ready while receiving; not while Redis or SQS is away, nor while stopping. */
  health(): Health {
    return { healthy: this.state === 'polling', state: this.state, queue_url: this.options.queue.url, ...this.options.counters.counts };
  }

  /**
   * `/readyz`: health(), and not ready while Redis does not answer a PING either. An idle bridge
   * learns that Redis is away only when an alarm does not go in, and a probe must not wait for one.
   */
  async readiness(): Promise<Health> {
    const own = this.health();
    const redis = await redisState(this.options.redis);
    const away = own.healthy && !redis.redisAnswers ? { healthy: false, state: 'waiting_for_redis' } : {};
    return { ...own, ...away, redis: redis.redisStatus };
  }

  start(): void {
    if (this.running !== null || this.stopRequest.signal.aborted) return;
    this.running = this.poll();
    this.statsTimer = setInterval(
      () => this.log.info('sqs bridge counters', this.options.counters.counts),
      this.options.statsIntervalMs ?? 60_000,
    );
    this.statsTimer.unref();
  }

  /** Abandons the long poll, finishes the batch in hand (enqueue, delete), then resolves. */
  async stop(): Promise<void> {
    this.stopRequest.abort();
    if (this.running === null) return;
    await this.running;
    clearInterval(this.statsTimer);
    this.running = null;
    this.log.info('sqs bridge stopped', this.options.counters.counts);
  }

  private async poll(): Promise<void> {
    while (!this.stopRequest.signal.aborted) {
      const messages = await this.receive();
      if (messages.length === 0) continue;
      try {
        await this.handleBatch(messages);
      } catch (error) {
        // A bug, not a message or Redis problem: the batch comes back after its visibility timeout.
        this.log.error(`could not handle a batch of ${messages.length} messages: ${errorMessage(error)}`, {
          stack: (error as Error).stack,
        });
        await this.pause(this.sqsBackoff.next());
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopRequest.signal }).catch(() => {});
  }

  private async receive(): Promise<Message[]> {
    const { sqs, queue } = this.options;
    try {
      const answer = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: SQS_BATCH_SIZE,
          WaitTimeSeconds: this.options.waitTimeSeconds ?? SQS_MAX_WAIT_SECONDS,
          // Explicit, so the heartbeat knows how long a batch stays hidden.
          VisibilityTimeout: queue.visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId'],
        }),
        { abortSignal: this.stopRequest.signal },
      );
      this.sqsBackoff.reset();
      this.activity = 'polling';
      return answer.Messages ?? [];
    } catch (error) {
      if (this.stopRequest.signal.aborted) return [];
      this.activity = 'waiting_for_sqs';
      const delay = this.sqsBackoff.next();
      this.log.error(`cannot receive from SQS (${(error as Error).name}: ${errorMessage(error)}): trying again in ${seconds(delay)}`, {
        queue_url: queue.url,
      });
      await this.pause(delay);
      return [];
    }
  }

  private async handleBatch(messages: Message[]): Promise<void> {
    this.options.counters.addReceived(messages.length);
    const heartbeat = this.keepHidden(messages);
    let settled: Settled[] = [];
    let enqueueError: unknown = null;
    try {
      const planned = planBatch(messages);
      const attempts = await Promise.all(
        planned.map((entry) => (entry.content.kind === 'alarm' && entry.copyOf === null ? this.enqueue(entry.content.target) : null)),
      );
      for (const attempt of attempts) {
        if (attempt?.ok) this.redisBackoff.reset();
        else if (attempt) enqueueError = attempt.error;
      }
      settled = planned.map((entry, index) => ({ planned: entry, outcome: outcomeOf(entry, attempts[entry.copyOf ?? index] ?? null) }));
      for (const entry of settled) this.record(entry);
      await this.settle(settled);
    } finally {
      await heartbeat.stop();
    }
    const released = this.withDisposition(settled, 'release');
    if (released.length > 0) {
      await this.release(released.map((entry) => entry.message));
      await this.waitForRedis(enqueueError, released.length);
    }
  }

  private withDisposition(settled: Settled[], disposition: Disposition): PlannedMessage[] {
    const hasDlq = this.options.deadLetterQueue !== null;
    return settled.filter((entry) => dispositionOf(entry.outcome, hasDlq) === disposition).map((entry) => entry.planned);
  }

  private async enqueue(target: InvestigationTarget): Promise<EnqueueAttempt> {
    try {
      const result = await enqueueInvestigation(this.options.investigations, target, {
        source: SQS_SOURCE,
        settings: this.options.settings,
      });
      return { ok: true, result };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** Counts and logs one message; poison is logged where its fate is decided. */
  private record({ planned, outcome }: Settled): void {
    this.options.counters.addOutcome(outcome);
    const { content, message } = planned;
    const fields = { sqs_message_id: message.MessageId };
    if (content.kind === 'skip') {
      this.log.info(`skipped: ${content.reason}`, { ...fields, investigation_id: content.investigationId, alarm_name: content.alarmName });
    } else if (content.kind === 'alarm' && outcome !== 'retried') {
      const { investigationId, alarm } = content.target;
      const text =
        outcome === 'enqueued'
          ? `enqueued ${investigationId} for alarm "${alarm.name}"`
          : `duplicate of ${investigationId} (alarm "${alarm.name}"): already enqueued, not investigated again`;
      this.log.info(text, { ...fields, investigation_id: investigationId, alarm_name: alarm.name });
    }
  }

  /** Dead-letters or leaves poison, and deletes every message that is done with. */
  private async settle(settled: Settled[]): Promise<void> {
    const done = this.withDisposition(settled, 'delete');
    const deadLetters = this.withDisposition(settled, 'dead-letter');
    // Only a bridge given --dlq-url plans dead letters.
    const { deadLetterQueue } = this.options;
    const sent = deadLetterQueue ? await Promise.all(deadLetters.map((entry) => this.deadLetter(entry, deadLetterQueue))) : [];
    done.push(...deadLetters.filter((_, index) => sent[index]));
    for (const entry of this.withDisposition(settled, 'leave')) this.logLeftPoison(entry);
    await this.deleteMessages(done.map((entry) => entry.message));
  }

  private async deadLetter({ message, content }: PlannedMessage, dlq: QueueInfo): Promise<boolean> {
    const reason = poisonReason(content);
    const fields = { sqs_message_id: message.MessageId, receive_count: receiveCountOf(message), reason };
    try {
      await this.options.sqs.send(
        new SendMessageCommand({
          QueueUrl: dlq.url,
          MessageBody: message.Body,
          MessageAttributes: {
            [ERROR_ATTRIBUTE]: { DataType: 'String', StringValue: reason.slice(0, MAX_ERROR_ATTRIBUTE_CHARS) },
            promptrca_source_queue: { DataType: 'String', StringValue: this.options.queue.arn },
            promptrca_source_message_id: { DataType: 'String', StringValue: message.MessageId ?? 'unknown' },
          },
          ...(dlq.fifo
            ? { MessageGroupId: message.Attributes?.MessageGroupId ?? 'promptrca-poison', MessageDeduplicationId: message.MessageId }
            : {}),
        }),
      );
      this.log.warn(`poison message ${message.MessageId} moved to the dead-letter queue: ${reason}`, { ...fields, dlq_url: dlq.url });
      return true;
    } catch (error) {
      this.log.error(
        `poison message ${message.MessageId} could not be sent to the dead-letter queue (${errorMessage(error)}): left in the queue; ${reason}`,
        { ...fields, dlq_url: dlq.url },
      );
      return false;
    }
  }

  private logLeftPoison({ message, content }: PlannedMessage): void {
    const redrive = this.options.queue.redrive;
    const receiveCount = receiveCountOf(message);
    const fate = redrive
      ? `delivery ${receiveCount ?? '?'} of ${redrive.maxReceiveCount} before the queue's redrive policy moves it to ${redrive.deadLetterTargetArn}`
      : 'the queue has no redrive policy: it comes back until its retention period ends (give --dlq-url to move it)';
    const reason = poisonReason(content);
    this.log.warn(`poison message ${message.MessageId} left in the queue (${fate}): ${reason}`, {
      sqs_message_id: message.MessageId,
      receive_count: receiveCount,
      max_receive_count: redrive?.maxReceiveCount ?? null,
      reason,
    });
  }

  private async deleteMessages(messages: Message[]): Promise<void> {
    const { sqs, queue } = this.options;
    for (let start = 0; start < messages.length; start += SQS_BATCH_SIZE) {
      const chunk = messages.slice(start, start + SQS_BATCH_SIZE);
      let failed: Array<{ id: string | undefined; why: string }>;
      try {
        const answer = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
          }),
        );
        failed = (answer.Failed ?? []).map((entry) => ({ id: chunk[Number(entry.Id)]?.MessageId, why: `${entry.Code}: ${entry.Message}` }));
      } catch (error) {
        failed = chunk.map((message) => ({ id: message.MessageId, why: errorMessage(error) }));
      }
      for (const { id, why } of failed) {
        this.log.warn(`could not delete SQS message ${id} (${why}): it will be delivered again and not investigated twice`, {
          sqs_message_id: id,
        });
      }
    }
  }

  /**
   * Makes messages Redis did not take visible again, for whichever replica reaches Redis first. What
   * SQS refuses for a reason of its own (throttled, a 5xx) is sent again: left hidden, those alarms
   * would wait out the whole visibility timeout.
   */
  private async release(messages: Message[]): Promise<void> {
    const backoff = new RetryBackoff(this.backoff);
    let pending = messages;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const error = await this.changeVisibility(pending, 0).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      if (error === null) return;
      const refused = refusedOf(pending, error);
      const again = attempt < RELEASE_ATTEMPTS ? refused.filter((entry) => entry.transient).map((entry) => entry.message) : [];
      const given = refused.length - again.length;
      if (given > 0) {
        this.log.warn(`could not release ${given} messages (${errorMessage(error)}): they come back after their visibility timeout`);
      }
      if (again.length > 0) {
        const delay = backoff.next();
        this.log.warn(`could not release ${again.length} messages (${errorMessage(error)}): trying again in ${seconds(delay)}`);
        await this.pause(delay);
      }
      pending = again;
    }
  }

  private async changeVisibility(messages: Message[], visibilityTimeout: number): Promise<void> {
    const answer = await this.options.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: this.options.queue.url,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: visibilityTimeout,
        })),
      }),
    );
    if (answer.Failed?.length) {
      throw new SqsBatchEntriesError(
        'ChangeMessageVisibilityBatch',
        answer.Failed.map((entry) => ({
          index: Number(entry.Id),
          messageId: messages[Number(entry.Id)]?.MessageId,
          code: entry.Code,
          senderFault: entry.SenderFault === true,
        })),
      );
    }
  }

  /**
   * Extends the batch's visibility every half timeout while it is in hand (RedisClient slow, a stop
   * waiting on it), so no other replica receives it meanwhile.
   */
  private keepHidden(messages: Message[]): { stop(): Promise<void> } {
    const timeout = this.options.queue.visibilityTimeoutSeconds;
    if (timeout === 0) return { stop: async () => {} };
    let extending: Promise<unknown> = Promise.resolve();
    const timer = setInterval(
      () => {
        extending = this.changeVisibility(messages, timeout).then(
          () => this.log.debug(`batch of ${messages.length} still in hand: hidden for another ${timeout} s`),
          (error: unknown) => this.log.warn(`could not extend the visibility of a batch in hand: ${errorMessage(error)}`),
        );
      },
      (timeout * 1000) / 2,
    );
    return {
      stop: async () => {
        clearInterval(timer);
        // An extension landing after a release would hide those messages again.
        await extending;
      },
    };
  }

  /**
   * Stops receiving until Redis answers a PING again, so messages are not received (and their
   * receive counts not driven towards the redrive limit) while nothing can take them.
   */
  private async waitForRedis(error: unknown, count: number): Promise<void> {
    this.activity = 'waiting_for_redis';
    let delay = this.redisBackoff.next();
    this.log.error(
      `Redis did not take ${count} alarms (${errorMessage(error)}): they stay in SQS; receiving paused, checking Redis again in ${seconds(delay)}`,
    );
    for (;;) {
      await this.pause(delay);
      if (this.stopRequest.signal.aborted) return;
      try {
        await this.options.redis.ping();
        break;
      } catch (pingError) {
        delay = this.redisBackoff.next();
        this.log.warn(`Redis still unavailable (${errorMessage(pingError)}): checking again in ${seconds(delay)}`);
      }
    }
    this.activity = 'polling';
    this.log.info('Redis answers again: receiving from SQS');
  }
}
