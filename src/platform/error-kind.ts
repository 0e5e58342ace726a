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

/**
 * Redis' own error codes (the first word of its error reply, as the protocol defines them) for a
 * refusal that memory or a failover cures: out of memory under `noeviction`, a replica that became
 * read-only, a server still loading its data, a cluster or master that is down, a busy script.
 */
const REDIS_REFUSAL_CODES = new Set(['OOM', 'READONLY', 'LOADING', 'MASTERDOWN', 'CLUSTERDOWN', 'TRYAGAIN', 'BUSY']);

interface RedisReply {
  name?: unknown;
  message?: unknown;
  /** ioredis: the replies that made a transaction fail with EXECABORT. */
  previousErrors?: unknown;
}

/** The code of a Redis refusal that a later attempt can get past ('OOM', 'READONLY', …), or null. */
export function redisRefusal(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const reply = error as RedisReply;
  if (reply.name !== 'ReplyError' || typeof reply.message !== 'string') return null;
  const code = reply.message.split(' ', 1)[0] ?? '';
  if (REDIS_REFUSAL_CODES.has(code)) return code;
  if (code === 'EXECABORT' && Array.isArray(reply.previousErrors)) {
    for (const previous of reply.previousErrors) {
      const cause = redisRefusal(previous);
      if (cause) return cause;
    }
  }
  return null;
}

const REFUSAL_MEANINGS: Record<string, string> = {
  OOM: 'it is out of memory (maxmemory reached under a noeviction policy)',
  READONLY: 'this connection reaches a read-only replica (after a failover?)',
  LOADING: 'it is still loading its data set',
  MASTERDOWN: 'its master is down',
  CLUSTERDOWN: 'the cluster is down',
  TRYAGAIN: 'a cluster slot is being moved',
  BUSY: 'a script is running',
};

/** Redis' codes for a client it will not serve as configured: a wrong password or user, no password, no permission. */
const REDIS_AUTH_CODES = new Set(['WRONGPASS', 'NOAUTH', 'NOPERM']);

/**
 * Whether Redis refused the connection's own settings: its credentials (by the reply's code), or
 * the database index of the URL (any refusal of the SELECT ioredis sends at connect).
 */
export function isRedisConfigurationRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const reply = error as RedisReply & { command?: { name?: unknown } };
  if (reply.name !== 'ReplyError' || typeof reply.message !== 'string') return false;
  return REDIS_AUTH_CODES.has(reply.message.split(' ', 1)[0] ?? '') || reply.command?.name === 'select';
}

/** For an operator: why Redis refused a command's writes and what to do, or null when it did not. */
export function refusedWriteMessage(error: unknown): string | null {
  const refusal = redisRefusal(error);
  if (!refusal) return null;
  return `Redis refuses writes (${refusal}: ${REFUSAL_MEANINGS[refusal]}), so the command did not complete; run it again once Redis takes writes (free memory or raise maxmemory for OOM)`;
}

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
  if (TRANSIENT_AWS_NAMES.has(name) || TRANSIENT_REDIS_NAMES.has(name) || redisRefusal(error) !== null) return true;
  return typeof fields.code === 'string' && TRANSIENT_NETWORK_CODES.has(fields.code);
}

/**
 * Whether a failure is worth another attempt: our own errors say so by their kind; others are known
 * by the fields their libraries set (throttling, 429 and 5xx, connection failures of AWS, an HTTP
 * endpoint or Redis, Redis' refusal codes), never by their wording. Follows `cause` chains: a wrapped throttle is transient.
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
