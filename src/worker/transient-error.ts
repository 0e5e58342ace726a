import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { OrchestratorUnavailableError } from '../orchestrators/create-orchestrator.js';

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

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

function isTransientItself(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return false;
  // This worker cannot run the assigned orchestrator (agent_tools without a model, after a live
  // rollout change), but another replica may: the job goes back with backoff, its assignment kept.
  if (error instanceof OrchestratorUnavailableError) return true;
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) return error.status === 429 || (typeof error.status === 'number' && error.status >= 500);
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as ErrorFields;
  if (fields.$retryable || fields.$fault === 'server') return true;
  const status = fields.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
  const name = typeof fields.name === 'string' ? fields.name : '';
  if (TRANSIENT_AWS_NAMES.has(name) || TRANSIENT_REDIS_NAMES.has(name)) return true;
  return typeof fields.code === 'string' && TRANSIENT_NETWORK_CODES.has(fields.code);
}

/**
 * Whether an investigation that failed with this error is worth another attempt: throttling,
 * 5xx and connection failures of AWS, the LLM endpoint or Redis, and an orchestrator this worker
 * cannot run. Bad input, missing permissions
 * and bugs are not; retrying them only delays the failed report. Follows `cause` chains.
 */
export function isTransientError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (isTransientItself(current)) return true;
    current = (current as ErrorFields).cause;
  }
  return false;
}
