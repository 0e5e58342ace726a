import type { JobType, Queue } from 'bullmq';
import type { Report } from './report.js';
import type { ReportCollection } from './report-collection.js';

/** Reports fetched per Redis round trip: small enough to stay responsive, big enough to be quick. */
const PAGE_SIZE = 1_000;

/**
 * Adds every report on the results queue to the collection, a page at a time per job state, oldest
 * first. Nothing consumes the results queue, so the jobs stay where they are while being read.
 * `onTotal` hears the number of jobs before reading starts.
 */
export async function collectQueuedReports(
  queue: Queue<Report>,
  collection: ReportCollection,
  onTotal?: (total: number) => void,
): Promise<void> {
  const counts = await queue.getJobCounts();
  onTotal?.(Object.values(counts).reduce((sum, count) => sum + count, 0));
  for (const [state, count] of Object.entries(counts)) {
    for (let start = 0; start < count; start += PAGE_SIZE) {
      const jobs = await queue.getJobs([state as JobType], start, start + PAGE_SIZE - 1, true);
      for (const job of jobs) collection.add(job.data, `results job ${job.id}`);
    }
  }
}
