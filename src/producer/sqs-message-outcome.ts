import type { Message } from '@aws-sdk/client-sqs';
import { errorMessage, InputError } from '../platform/errors.js';
import type { EnqueueResult } from './enqueue.js';
import { UnplannedAlarmError } from './errors.js';
import type { InvestigationTarget } from './investigation-job.js';
import { parseAlarmMessage } from './parse-alarm.js';

/** What one SQS message holds, decided before Redis is touched. */
export type MessageContent =
  | { kind: 'alarm'; target: InvestigationTarget }
  | { kind: 'skip'; investigationId: string; alarmName: string; reason: string }
  | { kind: 'poison'; reason: string };

/**
 * Reads the message as SQS delivered it (SNS envelope, raw SNS alarm, EventBridge event). Anything
 * that is not an alarm state change is poison, with the parser's reason.
 */
export function readMessage(message: Pick<Message, 'MessageId' | 'Body'>): MessageContent {
  if (message.Body === undefined) return { kind: 'poison', reason: 'the message has no body' };
  try {
    // Handing over { MessageId, Body } tells the parser an SQS message carried the alarm.
    const parsed = parseAlarmMessage({ MessageId: message.MessageId ?? '', Body: message.Body });
    if (parsed.action === 'skip') {
      return { kind: 'skip', investigationId: parsed.investigationId, alarmName: parsed.alarm.name, reason: parsed.reason };
    }
    return { kind: 'alarm', target: { investigationId: parsed.investigationId, alarm: parsed.alarm } };
  } catch (error) {
    if (error instanceof InputError) return { kind: 'poison', reason: errorMessage(error) };
    throw error;
  }
}

export interface PlannedMessage {
  message: Message;
  content: MessageContent;
  /** Index of the earlier message of the same batch carrying the same alarm, which alone is enqueued. */
  copyOf: number | null;
}

/**
 * Reads a received batch. The same alarm twice in one batch (SNS redelivery, the same alarm sent
 * raw and enveloped) is enqueued once; the copies follow the first one's fate.
 */
export function planBatch(messages: Message[]): PlannedMessage[] {
  const firstIndexOf = new Map<string, number>();
  return messages.map((message, index) => {
    const content = readMessage(message);
    if (content.kind !== 'alarm') return { message, content, copyOf: null };
    const first = firstIndexOf.get(content.target.investigationId);
    if (first === undefined) firstIndexOf.set(content.target.investigationId, index);
    return { message, content, copyOf: first ?? null };
  });
}

export type EnqueueAttempt = { ok: true; result: EnqueueResult } | { ok: false; error: unknown };

export const MESSAGE_OUTCOMES = ['enqueued', 'duplicate', 'skipped', 'poison', 'retried'] as const;
export type MessageOutcome = (typeof MESSAGE_OUTCOMES)[number];

/**
 * `attempt` is the enqueue of this alarm (or of the batch's first copy of it); null for messages
 * that needed none.
 */
export function outcomeOf(planned: PlannedMessage, attempt: EnqueueAttempt | null): MessageOutcome {
  if (planned.content.kind === 'poison') return 'poison';
  if (planned.content.kind === 'skip') return 'skipped';
  if (attempt === null) throw new UnplannedAlarmError(`the alarm of SQS message ${planned.message.MessageId} was never enqueued`);
  if (!attempt.ok) return 'retried';
  if (planned.copyOf !== null) return 'duplicate';
  return attempt.result.outcome === 'new' ? 'enqueued' : 'duplicate';
}

/**
 * What happens to the SQS message:
 * - `delete`: Redis acknowledged the job (or there is nothing to investigate);
 * - `dead-letter`: poison with --dlq-url: sent there with the reason, then deleted;
 * - `leave`: poison without --dlq-url: it comes back after the visibility timeout until the
 *   queue's redrive policy moves it to its DLQ;
 * - `release`: Redis did not take it: visible again at once, received again once Redis is back.
 */
export type Disposition = 'delete' | 'dead-letter' | 'leave' | 'release';

export function dispositionOf(outcome: MessageOutcome, hasDeadLetterQueue: boolean): Disposition {
  switch (outcome) {
    case 'enqueued':
    case 'duplicate':
    case 'skipped':
      return 'delete';
    case 'poison':
      return hasDeadLetterQueue ? 'dead-letter' : 'leave';
    case 'retried':
      return 'release';
  }
}

/** ApproximateReceiveCount of a message received with that system attribute, else null. */
export function receiveCountOf(message: Message): number | null {
  const count = Number(message.Attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : null;
}
