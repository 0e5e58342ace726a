import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config.js';
import { isRedisConfigurationRefusal } from './error-kind.js';
import { errorMessage, RedisConfigurationError, RedisUnavailableError } from './errors.js';
import { describeRedis, parseRedisNodes, type RedisMode, type RedisNode } from './redis-url.js';

/** How long a command waits for Redis before saying it is unavailable. */
export const REDIS_TIMEOUT_MS = 5_000;

/** A connection of any mode: queues, workers and the rollout state use them alike. */
export type RedisClient = Redis | Cluster;

/** Where Redis is, as REDIS_URL, PROMPTRCA_REDIS_MODE and PROMPTRCA_REDIS_SENTINEL_NAME say. */
export interface RedisTarget {
  mode: RedisMode;
  /** REDIS_URL: one URL, or a comma-separated list of sentinels or cluster seeds. */
  urls: string;
  sentinelName: string | null;
  /**
   * The sentinels require the user and password of the URLs too (`requirepass` or an ACL user on
   * the sentinels); otherwise they are asked without credentials.
   * @defaultValue false
   */
  sentinelAuth?: boolean;
}

export function redisTargetFrom(config: Config): RedisTarget {
  return {
    mode: config.PROMPTRCA_REDIS_MODE,
    urls: config.REDIS_URL,
    sentinelName: config.PROMPTRCA_REDIS_SENTINEL_NAME,
    sentinelAuth: config.PROMPTRCA_REDIS_SENTINEL_AUTH,
  };
}

/** The target for messages and logs: URLs with passwords masked, and the mode unless standalone. */
export function describeRedisTarget(target: RedisTarget): string {
  return describeRedis(target.urls, target.mode);
}

/**
 * `command`: producers and CLI commands fail fast while Redis is away (no offline queue, one retry,
 * a command timeout), so a caller such as the SQS bridge gets a rejection rather than a hang.
 * `worker`: long-running consumers wait for Redis to come back; BullMQ's blocking connection
 * requires `maxRetriesPerRequest: null`.
 */
export type RedisRole = 'command' | 'worker';

const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2_000);

function roleOptions(role: RedisRole): RedisOptions {
  const common: RedisOptions = { connectTimeout: REDIS_TIMEOUT_MS };
  if (role === 'worker') return { ...common, maxRetriesPerRequest: null };
  return { ...common, maxRetriesPerRequest: 1, commandTimeout: REDIS_TIMEOUT_MS };
}

function credentials(node: RedisNode): RedisOptions {
  return {
    ...(node.username === undefined ? {} : { username: node.username }),
    ...(node.password === undefined ? {} : { password: node.password }),
    // The CA comes from the system store, or NODE_EXTRA_CA_CERTS for a private one.
    ...(node.tls ? { tls: {} } : {}),
  };
}

/**
 * A master found through sentinels: the URL's credentials are the master's, and the sentinels' too
 * when `sentinelAuth` says they require them.
 */
export function sentinelOptions(target: RedisTarget, common: RedisOptions): RedisOptions {
  const nodes = parseRedisNodes(target.urls);
  const first = nodes[0] as RedisNode;
  return {
    ...common,
    sentinels: nodes.map(({ host, port }) => ({ host, port })),
    name: target.sentinelName ?? '',
    ...(target.sentinelAuth && first.username !== undefined ? { sentinelUsername: first.username } : {}),
    ...(target.sentinelAuth && first.password !== undefined ? { sentinelPassword: first.password } : {}),
    ...(first.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
    sentinelRetryStrategy: retryStrategy,
  };
}

/** Every connection of the product is made here, whatever the mode. */
function createClient(target: RedisTarget, role: RedisRole): RedisClient {
  const nodes = parseRedisNodes(target.urls);
  const first = nodes[0] as RedisNode;
  const offlineQueue = { enableOfflineQueue: role === 'worker' };
  if (target.mode === 'cluster') {
    const options: ClusterOptions = {
      lazyConnect: true,
      ...offlineQueue,
      clusterRetryStrategy: retryStrategy,
      // ElastiCache's TLS certificates name the nodes' hostnames, which a resolved address would not match.
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions: { ...roleOptions(role), ...credentials(first) },
    };
    return new Cluster(
      nodes.map(({ host, port }) => ({ host, port })),
      options,
    );
  }
  const common: RedisOptions = {
    lazyConnect: true,
    retryStrategy,
    ...offlineQueue,
    ...roleOptions(role),
    ...credentials(first),
    db: first.db,
  };
  if (target.mode === 'sentinel') return new Redis(sentinelOptions(target, common));
  return new Redis({ ...common, host: first.host, port: first.port });
}

/** What sentinels answered when they refuse this client (NOAUTH, WRONGPASS), which ioredis reports as its last error; null otherwise. */
function sentinelRefusal(target: RedisTarget, error: unknown): string | null {
  if (target.mode !== 'sentinel' || error === null) return null;
  return /Last error: ((?:NOAUTH|WRONGPASS)\b.*)$/s.exec(errorMessage(error))?.[1] ?? null;
}

/**
 * Connects and waits until Redis answers, or rejects with RedisUnavailableError naming the target
 * (password masked) and the connection error: at the first error for a `command` connection, after
 * `timeoutMs` of reconnecting for a `worker` one (Redis may still be starting beside it).
 * A string is a standalone REDIS_URL.
 */
export async function connectRedis(target: RedisTarget | string, role: RedisRole, timeoutMs = REDIS_TIMEOUT_MS): Promise<RedisClient> {
  const resolved: RedisTarget = typeof target === 'string' ? { mode: 'standalone', urls: target, sentinelName: null } : target;
  const redis = createClient(resolved, role);
  let lastError: unknown = null;
  // Always listened to: later trouble also reaches the BullMQ queue or worker using this client,
  // which reports it, and an 'error' event with no listener would crash the process.
  redis.on('error', (error) => {
    lastError = error;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new RedisUnavailableError(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
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
      // Credentials or a database index Redis refuses will not change by waiting, whatever the role.
      else redis.on('error', (error) => (isRedisConfigurationRefusal(error) || sentinelRefusal(resolved, error) !== null) && fail(error));
      redis.connect().catch(() => {});
    });
  } catch {
    redis.disconnect();
    if (isRedisConfigurationRefusal(lastError)) {
      throw new RedisConfigurationError(
        `Redis at ${describeRedisTarget(resolved)} refuses this client (${errorMessage(lastError)}): check the user, password and database index in REDIS_URL`,
        { cause: lastError },
      );
    }
    const refusal = sentinelRefusal(resolved, lastError);
    if (refusal !== null) {
      const fix = resolved.sentinelAuth
        ? 'check the user and password in REDIS_URL, which the sentinels are given too'
        : 'set PROMPTRCA_REDIS_SENTINEL_AUTH=true to give them the user and password of REDIS_URL';
      throw new RedisConfigurationError(`the sentinels at ${describeRedisTarget(resolved)} refuse this client (${refusal}): ${fix}`, {
        cause: lastError,
      });
    }
    const cause = lastError === null ? `no answer within ${timeoutMs / 1000} s` : errorMessage(lastError);
    throw new RedisUnavailableError(
      `cannot reach Redis at ${describeRedisTarget(resolved)} (${cause}): start Redis or set REDIS_URL and PROMPTRCA_REDIS_MODE`,
      { cause: lastError },
    );
  }
  return redis;
}
