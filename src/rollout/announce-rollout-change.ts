import type { Queue } from 'bullmq';
import { errorMessage } from '../platform/errors.js';
import { notifyOfRolloutChange, type RolloutChangeNotification } from '../report/notify/notifications-queue.js';
import type { AuditEntry } from './rollout-audit.js';

/**
 * Asks `notify` to announce a stored rollout change (a rollback) to every sink. The change stands
 * whatever becomes of the announcement, so a failure to queue it is returned to be reported, never
 * thrown; null when it was queued.
 */
export async function announceRolloutChange(
  queue: Queue<RolloutChangeNotification>,
  entry: AuditEntry,
  automatic: boolean,
): Promise<string | null> {
  try {
    await notifyOfRolloutChange(queue, { ...entry, automatic });
    return null;
  } catch (error) {
    return `the rollback is stored but could not be queued for notify: ${errorMessage(error)}`;
  }
}
