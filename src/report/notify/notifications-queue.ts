import type { Queue } from 'bullmq';
import { z } from 'zod';
import { type RolloutChangeNotice, RolloutChangeNoticeSchema } from '../rollout-change-notice.js';

/**
 * What `notify` announces besides the reports: changes of the rollout (rollbacks). Reports are not
 * here: notify consumes `promptrca-results` itself. Other programs read the results queue as reports
 * only, so nothing else is put there.
 */
export const NOTIFICATIONS_QUEUE = 'promptrca-notifications';

/** A rollout change for `notify` to announce to every sink. */
export const RolloutChangeNotificationSchema = z.object({ kind: z.literal('rollout_change'), change: RolloutChangeNoticeSchema });
export type RolloutChangeNotification = z.infer<typeof RolloutChangeNotificationSchema>;

/**
 * An announcement that fails for another reason than a sink (Redis went away mid-delivery) is
 * tried again this many times; a sink's own retries are delays that use none of these attempts.
 */
const ATTEMPTS = 20;

const JOB_OPTIONS = {
  attempts: ATTEMPTS,
  backoff: { type: 'exponential', delay: 1_000 },
  // The per-sink delivery state outlives the job (see DeliveryState); a finished job is not needed.
  removeOnComplete: true,
  removeOnFail: { age: 7 * 86_400, count: 1_000 },
} as const;

/** Asks `notify` to announce a rollout change (a rollback) to every sink. */
export async function notifyOfRolloutChange(queue: Queue<RolloutChangeNotification>, change: RolloutChangeNotice): Promise<void> {
  // BullMQ refuses ':' in custom ids; the time of the change names it well enough (two at the same millisecond are one change).
  const jobId = `rollout-change-${Date.parse(change.at)}`;
  await queue.add('rollout_change', { kind: 'rollout_change', change }, { ...JOB_OPTIONS, jobId });
}
