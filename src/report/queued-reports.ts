import type { Job, JobType, Queue } from 'bullmq';
import type { Report } from './report.js';
import type { ReportCollection } from './report-collection.js';

/** Reports fetched per Redis round trip: small enough to stay responsive, big enough to be quick. */
const PAGE_SIZE = 1_000;

/** Adds the jobs' reports not added yet (a job read again in another state it moved to counts once). */
export function addOnce(collection: ReportCollection, jobs: ReadonlyArray<Job<Report>>, seen: Set<string>): void {
  for (const job of jobs) {
    const id = job.id ?? '';
    if (seen.has(id)) continue;
    seen.add(id);
    collection.add(job.data, `results job ${id}`);
  }
}

/**
 * The states in the order `notify` moves a report through them (waiting → active → delayed,
 * completed or failed), so that a report moving while being read is read again in a later state,
 * not missed; the last look at waiting and active catches one a sink's retry moved back.
 */
const READ_ORDER: JobType[] = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'waiting', 'active'];

/**
 * Adds every report on the results queue to the collection, a page at a time per job state, newest
 * first. `notify` consumes the queue (and keeps what it completed), so a job may move between
 * states while it is read: it is added once. Newest first, because jobs leave a state at its old
 * end (notify takes the oldest waiting, retention removes the oldest) and arrive at its new end: an
 * arrival shifts jobs already read into the next page (read twice, added once), while a departure
 * oldest-first would shift unread jobs into pages already read. `onTotal` hears the number of jobs
 * before reading starts.
 */
export async function collectQueuedReports(
  queue: Queue<Report>,
  collection: ReportCollection,
  onTotal?: (total: number) => void,
): Promise<void> {
  const counts = await queue.getJobCounts();
  onTotal?.(Object.values(counts).reduce((sum, count) => sum + count, 0));
  const others = Object.keys(counts).filter((state) => !READ_ORDER.includes(state as JobType)) as JobType[];
  const seen = new Set<string>();
  for (const state of [...READ_ORDER, ...others]) {
    for (let start = 0; ; start += PAGE_SIZE) {
      const jobs = await queue.getJobs([state], start, start + PAGE_SIZE - 1, false);
      addOnce(collection, jobs, seen);
      if (jobs.length < PAGE_SIZE) break;
    }
  }
}
