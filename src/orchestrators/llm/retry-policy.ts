import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { backoffDelayMs } from '../../platform/backoff.js';
import { RetryAfterTooLongError } from '../errors.js';

const LLM_BACKOFF = { initialMs: 500, maxMs: 8_000, jitter: 0.25 };
export const DEFAULT_MAX_RETRY_WAIT_MS = 30_000;

/**
 * Rate limits, lock and request timeouts, server errors and dropped connections pass; a call that
 * ran into its own timeout does not, so one call never takes longer than its timeout plus the waits.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof APIUserAbortError || error instanceof APIConnectionTimeoutError) return false;
  if (error instanceof APIConnectionError) return true;
  if (!(error instanceof APIError) || error.status === undefined) return false;
  return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
}

/**
 * The endpoint's "too many requests": waited out until the caller's deadline, as throttled AWS reads
 * are, rather than given up after a count of retries.
 */
export function isRateLimited(error: unknown): boolean {
  return error instanceof APIError && error.status === 429;
}

/** `retry-after-ms` (OpenAI's), else `retry-after` in seconds or as an HTTP date; null when absent. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const value = headers?.get('retry-after');
  if (!value) return null;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential from 0.5 s to 8 s with up to 25% jitter, so replicas rate-limited together spread out. */
export function backoffMs(attempt: number, random = Math.random): number {
  return backoffDelayMs(attempt, LLM_BACKOFF, random);
}

/**
 * How long to wait before the next attempt after `error` on attempt `attempt` (0-based), or null
 * to give up and rethrow; a 429 is not counted against `maxRetries` (the caller holds it to its
 * deadline). Throws RetryAfterTooLongError when the server's Retry-After exceeds the cap.
 */
export function retryDelayMs(error: unknown, attempt: number, maxRetries: number, maxWaitMs: number): number | null {
  if (!isRetryable(error) || (attempt >= maxRetries && !isRateLimited(error))) return null;
  const asked = error instanceof APIError ? retryAfterMs(error.headers) : null;
  if (asked === null) return backoffMs(attempt);
  if (asked > maxWaitMs) throw new RetryAfterTooLongError(asked, maxWaitMs, error);
  return asked;
}
