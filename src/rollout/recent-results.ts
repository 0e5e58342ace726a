import type { Job, JobType, Queue } from 'bullmq';
import { addOnce } from '../report/queued-reports.js';
import type { Report } from '../report/report.js';
import type { ReportCollection } from '../report/report-collection.js';

const PAGE_SIZE = 500;
const STATES: JobType[] = ['waiting', 'active', 'delayed', 'completed', 'failed'];

/**
 * When a job's place in its state's listing says it was published at the latest, in ms: a finished
 * job is listed by when it finished, which is never before it was published; a waiting or active
 * one by when it was added. Delayed jobs are listed by when their retry is due, which says nothing
 * of their age, so a delayed page never ends the reading (there are few: retries of a sink).
 */
function listedAt(state: JobType, job: Job<Report>): number {
  if (state === 'delayed') return Number.POSITIVE_INFINITY;
  if (state === 'completed' || state === 'failed') return job.finishedOn ?? job.timestamp;
  return job.timestamp;
}

/**
 * Adds the reports published since `from` to the collection, newest first, and stops reading a
 * state at the first page that reaches back before `from` (see listedAt): everything listed after
 * it was published before the window. The guard reads its window every interval without rereading
 * the whole results queue. The states are read in the order `notify` moves a report through them,
 * and a report read in two of them is added once.
 */
export async function collectReportsSince(queue: Queue<Report>, from: Date, collection: ReportCollection): Promise<void> {
  const seen = new Set<string>();
  for (const state of STATES) {
    for (let start = 0; ; start += PAGE_SIZE) {
      const jobs = await queue.getJobs([state], start, start + PAGE_SIZE - 1, false);
      addOnce(collection, jobs, seen);
      const last = jobs.at(-1);
      if (jobs.length < PAGE_SIZE || last === undefined || listedAt(state, last) < from.getTime()) break;
    }
  }
}
