import { Redis, type RedisOptions } from 'ioredis';
import { errorMessage, RedisUnavailableError } from './errors.js';

/** How long a command waits for Redis before saying it is unavailable. */
export const REDIS_TIMEOUT_MS = 5_000;

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * `command`: producers and CLI commands fail fast while Redis is away (no offline queue, one retry,
 * a command timeout), so a caller such as the SQS bridge gets a rejection rather than a hang.
 * `worker`: long-running consumers wait for Redis to come back; BullMQ's blocking connection
 * requires `maxRetriesPerRequest: null`.
 */
export type RedisRole = 'command' | 'worker';

function optionsFor(role: RedisRole): RedisOptions {
  const common: RedisOptions = {
    lazyConnect: true,
    connectTimeout: REDIS_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  if (role === 'worker') return { ...common, maxRetriesPerRequest: null };
  return { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: REDIS_TIMEOUT_MS };
}

/**
 * Connects and waits until Redis answers, or rejects with RedisUnavailableError naming the URL and
 * the connection error: at the first error for a `command` connection, after `timeoutMs` of
 * reconnecting for a `worker` one (Redis may still be starting beside it).
 */
export async function connectRedis(url: string, role: RedisRole, timeoutMs = REDIS_TIMEOUT_MS): Promise<Redis> {
  const redis = new Redis(url, optionsFor(role));
  let lastError: unknown = null;
  // Always listened to: later trouble also reaches the BullMQ queue or worker using this client,
  // which reports it, and an 'error' event with no listener would crash the process.
  redis.on('error', (error) => {
    lastError = error;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      const fail = (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      };
      redis.once('ready', () => {
        clearTimeout(timer);
        redis.off('error', fail);
        resolve();
      });
      if (role === 'command') redis.once('error', fail);
      redis.connect().catch(() => {});
    });
  } catch {
    redis.disconnect();
    const cause = lastError === null ? `no answer within ${timeoutMs / 1000} s` : errorMessage(lastError);
    throw new RedisUnavailableError(`cannot reach Redis at ${redactRedisUrl(url)} (${cause}): start Redis or set REDIS_URL`, {
      cause: lastError,
    });
  }
  return redis;
}
