import type { JobType, Queue } from 'bullmq';
import { addOnce } from '../report/queued-reports.js';
import type { Report } from '../report/report.js';
import type { ReportCollection } from '../report/report-collection.js';

const PAGE_SIZE = 500;
const STATES: JobType[] = ['waiting', 'active', 'delayed', 'completed', 'failed'];

/**
 * Adds the reports published since `from` to the collection, newest first, and stops reading a
 * state at the first page that reaches back before `from`: a report is published after it started,
 * so everything older was published (and started) before the window. The guard reads its window
 * every interval without rereading the whole results queue. The states are read in the order
 * `notify` moves a report through them, and a report read in two of them is added once.
 */
export async function collectReportsSince(queue: Queue<Report>, from: Date, collection: ReportCollection): Promise<void> {
  const seen = new Set<string>();
  for (const state of STATES) {
    for (let start = 0; ; start += PAGE_SIZE) {
      const jobs = await queue.getJobs([state], start, start + PAGE_SIZE - 1, false);
      addOnce(collection, jobs, seen);
      const oldest = jobs.at(-1);
      if (jobs.length < PAGE_SIZE || oldest === undefined || oldest.timestamp < from.getTime()) break;
    }
  }
}
