import type { Logger } from 'winston';
import type { InvestigationWorker } from './investigation-worker.js';

/** After the grace period, how long to wait for investigations to notice they were cancelled. */
const CANCEL_WAIT_MS = 5_000;

/**
 * Stops taking jobs and lets in-flight investigations finish within the grace period. Any still
 * running then are cancelled and handed back to the queue with their stored assignment.
 */
export async function closeWithGrace({ worker, inFlight }: InvestigationWorker, graceSeconds: number, log: Logger): Promise<void> {
  log.info(`shutting down: taking no new jobs, finishing ${inFlight.size} in flight (grace ${graceSeconds} s)`, {
    investigation_ids: [...inFlight],
  });
  const closing = worker.close();
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace_over'>((resolve) => {
    timer = setTimeout(() => resolve('grace_over'), graceSeconds * 1000);
  });
  const first = await Promise.race([closing.then(() => 'closed' as const), graceOver]);
  clearTimeout(timer);
  if (first === 'closed') return;
  log.warn(`grace period over: returning ${inFlight.size} investigations to the queue`, { investigation_ids: [...inFlight] });
  worker.cancelAllJobs('worker shutdown grace period over');
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CANCEL_WAIT_MS).unref())]);
}
