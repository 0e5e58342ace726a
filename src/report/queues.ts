import type { Queue } from 'bullmq';
import type { RedisRole } from '../platform/redis-connection.js';
import type { InvestigationJobData } from '../producer/investigation-job.js';
import { connectQueueRedis, INVESTIGATIONS_QUEUE, openQueue, type QueueConnection } from '../producer/investigations-queue.js';
import { NOTIFICATIONS_QUEUE, type RolloutChangeNotification } from './notify/notifications-queue.js';
import type { Report } from './report.js';

export const RESULTS_QUEUE = 'promptrca-results';

/** The queues of the product on one Redis connection, under one key prefix. */
export interface PromptRcaQueues extends QueueConnection {
  investigations: Queue<InvestigationJobData>;
  results: Queue<Report>;
  /** The rollout changes `notify` announces (it takes the reports from `results` itself). */
  notifications: Queue<RolloutChangeNotification>;
  close(): Promise<void>;
}

export async function connectQueues(env: NodeJS.ProcessEnv, role: RedisRole = 'command'): Promise<PromptRcaQueues> {
  const connection = await connectQueueRedis(env, role);
  const investigations = openQueue<InvestigationJobData>(INVESTIGATIONS_QUEUE, connection);
  const results = openQueue<Report>(RESULTS_QUEUE, connection);
  const notifications = openQueue<RolloutChangeNotification>(NOTIFICATIONS_QUEUE, connection);
  return {
    ...connection,
    investigations,
    results,
    notifications,
    async close() {
      await Promise.allSettled([investigations.close(), results.close(), notifications.close()]);
      connection.redis.disconnect();
    },
  };
}
