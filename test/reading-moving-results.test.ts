import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { connectRedis } from '../src/platform/redis-connection.js';
import { collectQueuedReports } from '../src/report/queued-reports.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import { ReportCollection } from '../src/report/report-collection.js';
import { collectReportsSince } from '../src/rollout/recent-results.js';
import { craftReport, craftReports } from './support/crafted-reports.js';
import { useFreshQueues } from './support/fresh-queues.js';
import { REDIS_URL, waitFor } from './support/pipeline.js';

// notify consumes the results queue and keeps what it completed, so the readers of that queue
// (the guard's window, compare) read reports that move between states, or complete long after
// they were published, while they read.

const freshQueues = useFreshQueues();

/** Completes every waiting job of the results queue, oldest first, as notify would. */
async function completeAll(queues: PromptRcaQueues): Promise<void> {
  const worker = new Worker(queues.results.name, async () => {}, {
    connection: await connectRedis({ mode: 'standalone', urls: REDIS_URL, sentinelName: null }, 'worker'),
    prefix: queues.prefix,
    concurrency: 50,
  });
  await waitFor(async () => (await queues.results.getWaitingCount()) === 0 && (await queues.results.getActiveCount()) === 0, 20_000);
  await worker.close();
}

describe('reading the results queue while notify moves it', () => {
  it("the guard's window finds a report that completed before a page of older reports completed late", async () => {
    const queues = await freshQueues('recent-late-completions');
    const now = Date.now();
    const inWindow = craftReport('direct_invocation', { id: 'in-window', startedAt: new Date(now - 60_000).toISOString() });
    await queues.results.add('report', inWindow, { jobId: 'in-window' });
    await completeAll(queues);
    // A sink was down: 500 reports of two hours ago (a whole page) complete only now, listed first.
    const twoHoursAgo = now - 7_200_000;
    const late = craftReports('direct_invocation', 500, (index) => ({
      id: `late-${index}`,
      startedAt: new Date(twoHoursAgo).toISOString(),
    }));
    await queues.results.addBulk(
      late.map((report) => ({ name: 'report', data: report, opts: { jobId: report.investigation_id, timestamp: twoHoursAgo } })),
    );
    await completeAll(queues);

    const collection = new ReportCollection({ since: new Date(now - 900_000) });
    await collectReportsSince(queues.results, new Date(now - 900_000), collection);
    expect(collection.result().reports.map((report) => report.investigation_id)).toEqual(['in-window']);
  });

  it('compare reads every kept report while retention removes the oldest between two pages', async () => {
    const queues = await freshQueues('compare-while-trimmed');
    const reports = craftReports('direct_invocation', 2_500, (index) => ({ id: `kept-${index}` }));
    await queues.results.addBulk(reports.map((report) => ({ name: 'report', data: report, opts: { jobId: report.investigation_id } })));
    await completeAll(queues);
    // Right after compare's first page of completed reports, retention removes the 1,000 oldest.
    const results = queues.results;
    const getJobs = results.getJobs.bind(results);
    let trimmed = false;
    results.getJobs = async (...args: Parameters<typeof results.getJobs>) => {
      const jobs = await getJobs(...args);
      if (!trimmed && String(args[0]) === 'completed' && jobs.length > 0) {
        trimmed = true;
        await Promise.all((await getJobs(['completed'], 0, 999, true)).map((job) => job.remove()));
      }
      return jobs;
    };
    const collection = new ReportCollection({ since: null });
    await collectQueuedReports(results, collection);
    expect(trimmed).toBe(true);
    const read = new Set(collection.result().reports.map((report) => report.investigation_id));
    const kept = (await getJobs(['completed'], 0, -1, true)).map((job) => job.id as string);
    expect(kept).toHaveLength(1_500);
    expect(kept.filter((id) => !read.has(id))).toEqual([]);
  });
});
