import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { connectRedis } from '../src/platform/redis-connection.js';
import { notifyOfRolloutChange } from '../src/report/notify/notifications-queue.js';
import { type PromptRcaQueues, RESULTS_QUEUE } from '../src/report/queues.js';
import type { Report } from '../src/report/report.js';
import { ResultsPublisher } from '../src/report/results-publisher.js';
import { QueueTrimmer } from '../src/report/retention.js';
import { craftReports } from './support/crafted-reports.js';
import { useFreshQueues } from './support/fresh-queues.js';
import { captureLog } from './support/log-capture.js';
import { startNotifyReceiver } from './support/notify-receiver.js';
import {
  distinctAlarms,
  enqueueAll,
  REDIS_URL,
  runCli,
  type SpawnedProcess,
  spawnCli,
  startWorker,
  stopAll,
  waitFor,
} from './support/pipeline.js';
import { ENQUEUE_SETTINGS } from './support/replay-worker.js';

const freshQueues = useFreshQueues();

const stored = (queues: PromptRcaQueues) =>
  queues.results.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');

describe('results retention', () => {
  it('keeps at most PROMPTRCA_RESULTS_MAX_COUNT reports, the newest, with no consumer at all', async () => {
    const queues = await freshQueues('retention-none');
    const publisher = new ResultsPublisher(queues, { retention: { maxAgeMs: 3_600_000, maxCount: 25 } });
    const reports = craftReports('direct_invocation', 300, (index) => ({ id: `retained-${index}` }));
    for (const report of reports) await publisher.publish(report);
    expect(await stored(queues)).toBe(25);
    const ids = (await queues.results.getJobs(['waiting'])).map((job) => job.id).sort();
    expect(ids).toEqual(
      reports
        .slice(-25)
        .map((report) => report.investigation_id)
        .sort(),
    );
    // The reports are all there is: nothing is added beside them for notify.
    expect(await queues.notifications.getJobCountByTypes('waiting', 'delayed', 'completed', 'failed')).toBe(0);
  });

  it('keeps at most PROMPTRCA_RESULTS_MAX_COUNT reports, the newest, while a consumer completes them', async () => {
    const queues = await freshQueues('retention-consumed');
    // Any consumer of the results queue: reports it completes stay in `completed` (for results, compare, guard).
    const consumerRedis = await connectRedis(REDIS_URL, 'worker');
    const consumer = new Worker(RESULTS_QUEUE, async () => 'seen', { connection: consumerRedis, prefix: queues.prefix });
    const publisher = new ResultsPublisher(queues, { retention: { maxAgeMs: 3_600_000, maxCount: 25 } });
    const reports = craftReports('direct_invocation', 300, (index) => ({ id: `consumed-${index}` }));
    try {
      for (const report of reports) await publisher.publish(report);
      await waitFor(
        async () => (await queues.results.getJobCountByTypes('waiting', 'active')) === 0,
        10_000,
        () => 'the consumer to complete the reports',
      );
      // One more publish trims what the consumer completed after the last one.
      await publisher.publish(craftReports('direct_invocation', 1, () => ({ id: 'consumed-last' }))[0] as Report);
      expect(await queues.results.getCompletedCount()).toBeGreaterThan(0);
      expect(await stored(queues)).toBeLessThanOrEqual(25);
      const kept = (await queues.results.getJobs(['waiting', 'active', 'completed'])).map((job) => job.id);
      const newest = new Set([...reports.slice(-30).map((report) => report.investigation_id), 'consumed-last']);
      expect(kept.filter((id) => !newest.has(id ?? ''))).toEqual([]);
    } finally {
      await consumer.close();
      consumerRedis.disconnect();
    }
  });

  it('counts and logs every report it removes before notify took it (shadow reports are never delivered), and leaves rollout changes alone', async () => {
    const queues = await freshQueues('retention-expired');
    await notifyOfRolloutChange(queues.notifications, {
      at: new Date().toISOString(),
      who: 'rollout guard',
      reason: 'error rate',
      changes: [{ field: 'percentage', old: '50', new: '0' }],
      automatic: true,
    });
    const captured = captureLog();
    let counted = 0;
    const publisher = new ResultsPublisher(queues, {
      retention: { maxAgeMs: 3_600_000, maxCount: 25 },
      log: captured.log,
      onExpired: (count) => {
        counted += count;
      },
    });
    // 40 shadow reports first (for compare only), then 300 to deliver; nothing consumes them.
    for (const report of craftReports('agent_tools', 40, (index) => ({ id: `shadowed-${index}`, shadow: true })))
      await publisher.publish(report);
    for (const report of craftReports('direct_invocation', 300)) await publisher.publish(report);
    expect(await stored(queues)).toBe(25);
    // 340 published, 25 kept: the 40 shadow reports are not counted, the other 275 are. The first
    // removal is logged at once; the rest, within the same minute, wait for the next warning.
    expect(counted).toBe(275);
    const warnings = captured.entries.filter((entry) => entry.message.includes('never delivered'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/removed 1 promptrca-results job\(s\) never delivered \(PROMPTRCA_RESULTS_MAX_COUNT 25/);
    // The rollout change is on its own queue, which the results count never touches.
    expect(await queues.notifications.getWaitingCount()).toBe(1);
  });

  it('warns of undelivered removals at most once a minute, each warning counting those since the last', async () => {
    const queues = await freshQueues('retention-warnings');
    const captured = captureLog();
    let clock = 1_000_000;
    const trimmer = new QueueTrimmer(queues.results, { maxAgeMs: 3_600_000, maxCount: 2 }, { log: captured.log, now: () => clock });
    const publisher = new ResultsPublisher(queues);
    const reports = craftReports('direct_invocation', 12);
    for (const report of reports.slice(0, 3)) await publisher.publish(report);
    await trimmer.trim();
    for (const report of reports.slice(3, 8)) {
      await publisher.publish(report);
      await trimmer.trim();
    }
    clock += 59_000;
    await publisher.publish(reports[8] as Report);
    await trimmer.trim();
    const warned = () =>
      captured.entries.filter((entry) => entry.message.includes('never delivered')).map((entry) => Number(entry.expired));
    expect(warned()).toEqual([1]);
    clock += 1_000;
    await publisher.publish(reports[9] as Report);
    await trimmer.trim();
    // 10 published, 2 kept: the first warning named 1, the second the 7 removed since.
    expect(warned()).toEqual([1, 7]);
    expect(captured.entries.at(-1)?.message).toContain('is notify running and keeping up?');
  });

  it('writes a held-back warning when its minute is up, though no trim comes then', async () => {
    const queues = await freshQueues('retention-held-warning');
    const captured = captureLog();
    let clock = 1_000_000;
    const trimmer = new QueueTrimmer(queues.results, { maxAgeMs: 3_600_000, maxCount: 1 }, { log: captured.log, now: () => clock });
    const publisher = new ResultsPublisher(queues);
    const reports = craftReports('direct_invocation', 4);
    for (const report of reports.slice(0, 2)) await publisher.publish(report);
    await trimmer.trim();
    // 50 ms of the minute left: the next removals wait for it, then are said without another trim.
    clock += 59_950;
    for (const report of reports.slice(2)) await publisher.publish(report);
    await trimmer.trim();
    const warned = () =>
      captured.entries.filter((entry) => entry.message.includes('never delivered')).map((entry) => Number(entry.expired));
    expect(warned()).toEqual([1]);
    clock += 50;
    await sleep(200);
    expect(warned()).toEqual([1, 2]);
  });

  it('removes reports older than the maximum age', async () => {
    const queues = await freshQueues('retention-age');
    const publisher = new ResultsPublisher(queues);
    for (const report of craftReports('agent_tools', 5)) await publisher.publish(report);
    await sleep(30);
    const removed = await new QueueTrimmer(queues.results, { maxAgeMs: 20, maxCount: 1_000 }).trim();
    expect(removed).toBe(5);
    expect(await stored(queues)).toBe(0);
  });

  it('with workers publishing and notify running, 300 alarms leave at most 25 reports; results --last reads what is kept', async () => {
    const queues = await freshQueues('retention-pipeline');
    const receiver = await startNotifyReceiver();
    const env = { PROMPTRCA_QUEUE_PREFIX: queues.prefix, PROMPTRCA_RESULTS_MAX_COUNT: '25' };
    const worker = await startWorker({ ...env, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct' }, ['--llm', 'none', '--concurrency', '20']);
    const notify = spawnCli(['notify', '--webhook-url', `${receiver.url}/hook`], env);
    try {
      await enqueueAll(queues, distinctAlarms(300, Date.UTC(2024, 6, 1)), ENQUEUE_SETTINGS);
      await waitFor(
        async () => (await queues.investigations.getCompletedCount()) === 300,
        120_000,
        () => '300 investigations',
      );
      expect(await stored(queues)).toBeLessThanOrEqual(25);
      const results = await runCli(['results', '--json', '--last', '100'], env);
      expect(results.code).toBe(0);
      expect(results.stdout.trim().split('\n').length).toBeLessThanOrEqual(25);
    } finally {
      notify.child.kill('SIGTERM');
      await notify.exited;
      await stopAll([worker]);
      await receiver.close();
    }
  }, 180_000);

  it('notify applies the retention at start to reports published without a bound', async () => {
    const queues = await freshQueues('retention-notify');
    const unbounded = new ResultsPublisher(queues, { retention: { maxAgeMs: 3_600_000, maxCount: 1_000_000 } });
    for (const report of craftReports('direct_invocation', 300)) await unbounded.publish(report);
    expect(await stored(queues)).toBe(300);
    const receiver = await startNotifyReceiver();
    let notify: SpawnedProcess | undefined;
    try {
      notify = spawnCli(['notify', '--webhook-url', `${receiver.url}/hook`], {
        PROMPTRCA_QUEUE_PREFIX: queues.prefix,
        PROMPTRCA_RESULTS_MAX_COUNT: '25',
      });
      await waitFor(
        async () => (await stored(queues)) <= 25,
        30_000,
        () => 'notify to trim the results queue',
      );
      expect(await stored(queues)).toBe(25);
    } finally {
      notify?.child.kill('SIGTERM');
      await notify?.exited;
      await receiver.close();
    }
  }, 60_000);
});
