import { Queue } from 'bullmq';
import { loadConfig } from '../platform/config.js';
import { errorMessage } from '../platform/errors.js';
import { logger } from '../platform/log.js';
import { connectRedis, type RedisClient, type RedisRole, type RedisTarget, redisTargetFrom } from '../platform/redis-connection.js';
import type { InvestigationJobData } from './investigation-job.js';

export const INVESTIGATIONS_QUEUE = 'promptrca-investigations';
export const INVESTIGATE_JOB = 'investigate';

/** A Redis connection and the key prefix every queue of the product lives under. */
export interface QueueConnection {
  redis: RedisClient;
  /** Where it is connected, for commands that need a connection of their own (blocking reads). */
  target: RedisTarget;
  prefix: string;
}

export interface InvestigationsQueue extends QueueConnection {
  investigations: Queue<InvestigationJobData>;
  close(): Promise<void>;
}

export async function connectQueueRedis(env: NodeJS.ProcessEnv, role: RedisRole): Promise<QueueConnection> {
  const config = loadConfig(env);
  const target = redisTargetFrom(config);
  return { redis: await connectRedis(target, role), target, prefix: config.PROMPTRCA_QUEUE_PREFIX };
}

/** A BullMQ queue on the shared connection whose reconnect errors go to the debug log. */
export function openQueue<T>(name: string, { redis, prefix }: QueueConnection): Queue<T> {
  const queue = new Queue<T>(name, { connection: redis, prefix });
  // Without a listener, BullMQ prints every reconnect error of an outage to stderr as a raw stack;
  // callers report an outage themselves when a command fails.
  queue.on('error', (error) => logger.debug(`Redis connection (${name}): ${errorMessage(error)}`));
  return queue;
}

/** What producers need: the investigations queue alone (enqueue, the SQS bridge). */
export async function connectInvestigationsQueue(env: NodeJS.ProcessEnv, role: RedisRole = 'command'): Promise<InvestigationsQueue> {
  const connection = await connectQueueRedis(env, role);
  const investigations = openQueue<InvestigationJobData>(INVESTIGATIONS_QUEUE, connection);
  return {
    ...connection,
    investigations,
    async close() {
      await investigations.close().catch(() => {});
      connection.redis.disconnect();
    },
  };
}
