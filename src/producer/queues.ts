import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage } from '../errors.js';
import { logger } from '../log.js';
import type { Report } from '../report/report.js';
import type { InvestigationJobData } from './investigation-job.js';
import { connectRedis, queuePrefixFromEnv, redisUrlFromEnv, type RedisRole } from './redis-connection.js';

export const INVESTIGATIONS_QUEUE = 'promptrca-investigations';
export const RESULTS_QUEUE = 'promptrca-results';
export const INVESTIGATE_JOB = 'investigate';

/** Both queues of DESIGN.md on one Redis connection, under one key prefix. */
export interface PromptRcaQueues {
  redis: Redis;
  redisUrl: string;
  prefix: string;
  investigations: Queue<InvestigationJobData>;
  results: Queue<Report>;
  close(): Promise<void>;
}

export async function connectQueues(env: NodeJS.ProcessEnv, role: RedisRole = 'command'): Promise<PromptRcaQueues> {
  const redisUrl = redisUrlFromEnv(env);
  const prefix = queuePrefixFromEnv(env);
  const redis = await connectRedis(redisUrl, role);
  const investigations = new Queue<InvestigationJobData>(INVESTIGATIONS_QUEUE, { connection: redis, prefix });
  const results = new Queue<Report>(RESULTS_QUEUE, { connection: redis, prefix });
  // Without a listener, BullMQ prints every reconnect error of an outage to stderr as a raw stack;
  // callers report an outage themselves when a command fails.
  for (const queue of [investigations, results]) {
    queue.on('error', (error) => logger.debug(`Redis connection (${queue.name}): ${errorMessage(error)}`));
  }
  return {
    redis,
    redisUrl,
    prefix,
    investigations,
    results,
    async close() {
      await Promise.allSettled([investigations.close(), results.close()]);
      redis.disconnect();
    },
  };
}
