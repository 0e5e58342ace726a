import type { Queue } from 'bullmq';
import { z } from 'zod';
import { type RolloutChangeNotice, RolloutChangeNoticeSchema } from '../rollout-change-notice.js';

export const NOTIFICATIONS_QUEUE = 'promptrca-notifications';

/**
 * One thing for `notify` to deliver to every sink. A report is named by its results job rather than
 * copied: the results queue keeps it (within retention) and the notification stays a few bytes.
 */
export const NotificationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('report'), results_job_id: z.string(), retries: z.number().int().min(0).optional() }),
  z.object({ kind: z.literal('rollout_change'), change: RolloutChangeNoticeSchema, retries: z.number().int().min(0).optional() }),
]);
export type Notification = z.infer<typeof NotificationSchema>;

/**
 * A notification job that fails for another reason than a sink (Redis went away mid-delivery) is
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

/**
 * Asks `notify` to deliver a published report. The job id is the results job id, so publishing the
 * same report again (a retried worker) adds nothing while the first is pending; once it is done, the
 * delivery state keeps the sinks that took it from getting it twice.
 */
export async function notifyOfReport(queue: Queue<Notification>, resultsJobId: string): Promise<void> {
  await queue.add('report', { kind: 'report', results_job_id: resultsJobId }, { ...JOB_OPTIONS, jobId: resultsJobId });
}

const ROLLOUT_CHANGE_ID = 'rollout-change-';

/** A rollout change's job: few, so never removed by the results count (only by age). */
export const isRolloutChangeJob = (jobId: string) => jobId.startsWith(ROLLOUT_CHANGE_ID);

/** Asks `notify` to announce a rollout change (a rollback) to every sink. */
export async function notifyOfRolloutChange(queue: Queue<Notification>, change: RolloutChangeNotice): Promise<void> {
  // BullMQ refuses ':' in custom ids; the time of the change names it well enough (two at the same millisecond are one change).
  const jobId = `${ROLLOUT_CHANGE_ID}${Date.parse(change.at)}`;
  await queue.add('rollout_change', { kind: 'rollout_change', change }, { ...JOB_OPTIONS, jobId });
}
