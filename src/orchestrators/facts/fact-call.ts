import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffOptions, backoffDelayMs } from '../../platform/backoff.js';
import { isTransientError } from '../../platform/error-kind.js';
import { investigationDeadline, withCallDeadline } from '../aws/call-deadline.js';
import { FactToolError } from '../errors.js';

export const DEFAULT_FACT_TIMEOUT_MS = 10_000;

export interface FactToolOptions {
  /** Per AWS call. @defaultValue 10000 (DEFAULT_FACT_TIMEOUT_MS) */
  timeoutMs?: number;
}

export interface FactCall extends FactToolOptions {
  service: string;
  command: string;
}

/** Between attempts of a throttled or timed-out read; the jitter spreads the fleet's retries apart. */
const FACT_RETRY_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 5_000, jitter: 0.5 };

/**
 * Runs one SDK call with a deadline, and tries it again with backoff while it fails for a reason
 * time cures (throttled, timed out, a 5xx) and the investigation's deadline has room for another
 * try; the last error is thrown.
 */
export async function runFactCall<T>(call: FactCall, send: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
  const retryUntil = investigationDeadline();
  for (let attempt = 0; ; attempt++) {
    try {
      return await runFactCallOnce(call, send);
    } catch (error) {
      const wait = backoffDelayMs(attempt, FACT_RETRY_BACKOFF);
      if (retryUntil === undefined || !isTransientError(error) || Date.now() + wait >= retryUntil) throw error;
      await sleep(wait);
    }
  }
}

/**
 * One SDK call with a deadline. The signal aborts the HTTP request; the race also settles
 * callers whose `send` ignores the signal (a stuck socket, a mocked client).
 */
async function runFactCallOnce<T>(call: FactCall, send: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
  const timeoutMs = call.timeoutMs ?? DEFAULT_FACT_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      // AWS that does not answer in time is slow, not wrong: another attempt may get through.
      const timeout = new FactToolError(call.service, call.command, 'TimeoutError', `no answer within ${timeoutMs} ms`, {
        kind: 'transient',
      });
      reject(timeout);
      controller.abort(timeout);
    }, timeoutMs);
  });
  try {
    const sent = withCallDeadline(Date.now() + timeoutMs, () => send({ abortSignal: controller.signal }));
    return await Promise.race([sent, deadline]);
  } catch (error) {
    if (error instanceof FactToolError) throw error;
    const name = error instanceof Error ? error.name : 'Error';
    const detail = error instanceof Error ? error.message : String(error);
    throw new FactToolError(call.service, call.command, name, detail, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
