import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'winston';
import { type BackoffOptions, RetryBackoff } from './backoff.js';
import { isTransientError, redisRefusal } from './error-kind.js';
import { errorMessage } from './errors.js';
import type { RedisClient } from './redis-connection.js';
import { askRedis } from './redis-probe.js';

/** Long enough to outlive one probe, short enough that probe keys never pile up. */
const WRITE_PROBE_TTL_MS = 10_000;

/**
 * The size of a typical report: Redis counts a command's own text in the memory it checks, so a
 * few bytes still fit into a Redis that refuses the reports and jobs the process has to write.
 */
const WRITE_PROBE_BYTES = 16 * 1024;

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

  /**
   * Asks Redis whether it takes a report-sized write now, with an expiring key, so that a process that has
   * written nothing lately (an idle worker) still learns that Redis refuses writes, and learns it
   * when Redis takes them again. No answer in time leaves what is known as it was.
   */
  async probe(redis: RedisClient, key: string): Promise<void> {
    const answer = await askRedis(redis, () =>
      redis.set(key, 'x'.repeat(WRITE_PROBE_BYTES), 'PX', WRITE_PROBE_TTL_MS).then(
        () => ({ refusal: null }),
        (error: unknown) => ({ refusal: redisRefusal(error) }),
      ),
    );
    if (answer) this.current = answer.refusal;
  }
}
