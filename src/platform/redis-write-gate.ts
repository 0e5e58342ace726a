import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'winston';
import { type BackoffOptions, RetryBackoff } from './backoff.js';
import { isTransientError, redisRefusal } from './error-kind.js';
import { errorMessage } from './errors.js';

/**
 * Long waits: a Redis out of memory needs an operator (or a trim) to free it, which takes minutes,
 * and every retry is another refused write.
 * @defaultValue 500 ms doubling up to 15 s, with a fifth taken off at random
 */
export const DEFAULT_REFUSED_WRITE_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, jitter: 0.2 };

/**
 * The writes of one process that must not be lost when Redis refuses them for a while (out of
 * memory, read-only after a failover, loading, connection lost): each is tried again with a long
 * backoff until Redis takes it, and `refusal` says why Redis refuses now, for /readyz and a metric.
 */
export class RedisWriteGate {
  private current: string | null = null;

  constructor(
    private readonly log: Logger,
    private readonly backoff: BackoffOptions = DEFAULT_REFUSED_WRITE_BACKOFF,
  ) {}

  /** Redis' refusal code ('OOM', 'READONLY', …, 'connection') while writes are refused, else null. */
  get refusal(): string | null {
    return this.current;
  }

  /** Runs `write` until Redis takes it; an error nothing can cure, or the abort of `signal`, ends it. */
  async write<T>(what: string, write: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const backoff = new RetryBackoff(this.backoff);
    for (;;) {
      try {
        const result = await write();
        if (this.current !== null) this.log.info(`Redis takes writes again (${what})`);
        this.current = null;
        return result;
      } catch (error) {
        if (!isTransientError(error) || signal?.aborted) throw error;
        const refusal = redisRefusal(error) ?? 'connection';
        const delayMs = Math.round(backoff.next());
        this.log.warn(`Redis refuses to ${what}, trying again in ${delayMs} ms: ${errorMessage(error)}`, { redis_refusal: refusal });
        this.current = refusal;
        try {
          await sleep(delayMs, undefined, { signal });
        } catch {
          throw error;
        }
      }
    }
  }
}
