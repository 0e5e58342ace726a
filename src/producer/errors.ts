import { InputError, ServiceUnavailableError } from '../platform/errors.js';

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
