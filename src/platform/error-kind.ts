import { type ErrorKind, PromptRcaError } from './errors.js';

/** Network failures that a later attempt can get past (a dropped connection, an overloaded peer). */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** AWS error names that mean "slow down" or "try again", whatever the service. */
const TRANSIENT_AWS_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'TimeoutError',
  'RequestTimeout',
]);

/** ioredis and BullMQ errors raised while Redis is away. */
const TRANSIENT_REDIS_NAMES = new Set(['MaxRetriesPerRequestError', 'ConnectionClosedError']);

/** What the AWS SDK, HTTP clients (openai's APIError) and Node put on their errors. */
interface ErrorFields {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  $retryable?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

const isRetryableStatus = (status: unknown) => typeof status === 'number' && (status === 429 || status >= 500);

function isTransientItself(error: unknown): boolean {
  if (error instanceof PromptRcaError) return error.kind === 'transient';
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as ErrorFields;
  if (fields.$retryable || fields.$fault === 'server') return true;
  if (isRetryableStatus(fields.$metadata?.httpStatusCode) || isRetryableStatus(fields.status)) return true;
  const name = typeof fields.name === 'string' ? fields.name : '';
  if (TRANSIENT_AWS_NAMES.has(name) || TRANSIENT_REDIS_NAMES.has(name)) return true;
  return typeof fields.code === 'string' && TRANSIENT_NETWORK_CODES.has(fields.code);
}

/**
 * Whether a failure is worth another attempt: our own errors say so by their kind; others are known
 * by the fields their libraries set (throttling, 429 and 5xx, connection failures of AWS, an HTTP
 * endpoint or Redis), never by their wording. Follows `cause` chains: a wrapped throttle is transient.
 */
export function errorKind(error: unknown): ErrorKind {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (isTransientItself(current)) return 'transient';
    current = (current as ErrorFields).cause;
  }
  return 'permanent';
}

export function isTransientError(error: unknown): boolean {
  return errorKind(error) === 'transient';
}
