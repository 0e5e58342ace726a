import { InputError, PromptRcaError, ServiceUnavailableError } from '../platform/errors.js';

/**
 * The message is not a CloudWatch alarm state change we can investigate. Every parsing stage
 * raises it; it lives here because unwrapping is the first stage.
 */
export class AlarmParseError extends InputError {}

/** Redis refused or did not take the job; nothing was enqueued. */
export class EnqueueFailedError extends ServiceUnavailableError {}

/** A job on the investigations queue that no producer of ours would have written. */
export class MalformedJobError extends InputError {}

/** An alarm file that cannot be read, is empty, or holds no alarm in a layout we know. */
export class AlarmFileError extends InputError {}

/** The queue URL is malformed, the queue does not exist, or SQS refuses our credentials for it. */
export class SqsQueueError extends InputError {}

/** SQS did not answer (network, throttling, a 5xx); nothing says the configuration is wrong. */
export class SqsUnavailableError extends ServiceUnavailableError {}

/** One entry of an SQS batch request that SQS refused, as its answer's `Failed` list gives it. */
export interface RefusedBatchEntry {
  /** Its place in the request's entries. */
  index: number;
  messageId: string | undefined;
  code: string | undefined;
  /** SQS's own verdict: true when the request was at fault (a stale receipt handle), false when SQS was (throttling, a 5xx). */
  senderFault: boolean;
}

/**
 * SQS answered a batch request but refused some of its entries. Transient when SQS took the fault
 * on itself for any of them (SenderFault false): those entries are worth sending again.
 */
export class SqsBatchEntriesError extends PromptRcaError {
  constructor(
    readonly request: string,
    readonly refused: readonly RefusedBatchEntry[],
  ) {
    super(`${request} refused ${refused.map((entry) => `${entry.messageId}: ${entry.code}`).join(', ')}`, {
      kind: refused.some((entry) => !entry.senderFault) ? 'transient' : 'permanent',
    });
  }
}

/** An alarm of a batch planned for an enqueue that was never attempted: a bug of the bridge. */
export class UnplannedAlarmError extends PromptRcaError {}
