import type { RedisClient } from './redis-connection.js';

/** Long enough for a busy Redis, short enough that a scrape or probe never waits on a dead one. */
export const REDIS_PROBE_TIMEOUT_MS = 1_000;

/**
 * What Redis answered, or null when it is not connected, refuses, or does not answer in time.
 * A worker connection queues commands while Redis is away and waits for them forever, so
 * `/metrics` and `/readyz` ask through this rather than directly.
 */
export async function askRedis<T>(redis: RedisClient, command: () => Promise<T>, timeoutMs = REDIS_PROBE_TIMEOUT_MS): Promise<T | null> {
  if (redis.status !== 'ready') return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    return await Promise.race([command(), timeout]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
