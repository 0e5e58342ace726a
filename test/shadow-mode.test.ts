import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareResult } from '../src/report/compare-result.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import type { Report } from '../src/report/report.js';
import { assignOrchestrator } from '../src/rollout/assignment.js';
import { otherOrchestrator, shadowBucketFor } from '../src/worker/shadow.js';
import { distinctAlarms, enqueueAll, logLines, reportsOn, runCli, useWorkerRuns, waitFor } from './support/pipeline.js';
import { parseExposition, type Sample, samplesOf } from './support/prometheus.js';

const settings = { dedupeTtlSeconds: 3600, attempts: 2, backoffSeconds: 1 };
const HALF_DIRECT = { useDirect: true, percentage: 50, force: null };
const runs = useWorkerRuns();

interface ShadowRun {
  prefix: string;
  queues: PromptRcaQueues;
  ids: string[];
  reports: Report[];
  /** The JSON log lines of every worker process. */
  logs: Array<Record<string, unknown>>;
  /** What each worker's /metrics showed at the end. */
  metrics: Sample[][];
}

/**
 * Runs `replicas` worker processes (half of the investigations routed to direct) with the shadow
 * percentage until every job is done, then stops them with SIGTERM (each must exit 0).
 */
function runWithShadow(name: string, shadowPercentage: number, alarmCount: number, replicas: number): Promise<ShadowRun> {
  const env = {
    PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true',
    PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: String(HALF_DIRECT.percentage),
    PROMPTRCA_SHADOW_PERCENTAGE: String(shadowPercentage),
    OPENAI_BASE_URL: runs.sim.url,
    PROMPTRCA_MODEL: 'llm-sim',
  };
  return runs.run(name, replicas, { env, args: ['--concurrency', '2'] }, async ({ prefix, queues, workers }) => {
    const ids = await enqueueAll(queues, distinctAlarms(alarmCount), settings);
    // A job completes only after its shadow run, so every report is out once all jobs are done.
    await waitFor(
      async () => (await queues.investigations.getJobCountByTypes('completed', 'failed')) === ids.length,
      40_000,
      () => `${ids.length} investigations to finish`,
    );
    const logs = workers.flatMap((worker) => logLines(worker.stdout()));
    const metricsUrls = logs.filter((line) => line.message === 'worker started').map((line) => String(line.metrics));
    const metrics = await Promise.all(metricsUrls.map(async (url) => parseExposition(await (await fetch(url)).text())));
    return { prefix, queues, ids, reports: await reportsOn(queues), logs, metrics };
  });
}

const summaries = (run: ShadowRun) => run.logs.filter((line) => line.message === 'investigation summary');

describe('shadow mode at 100%', () => {
  let run: ShadowRun;

  beforeAll(async () => {
    run = await runWithShadow('shadow-all', 100, 8, 1);
  }, 60_000);

  afterAll(() => run?.queues.close());

  it('publishes one primary report per investigation under its ID and one shadow report of the other orchestrator', async () => {
    expect(run.reports).toHaveLength(16);
    for (const id of run.ids) {
      const assigned = assignOrchestrator(id, HALF_DIRECT).orchestrator_type;
      const primary = await run.queues.results.getJob(id);
      expect(primary?.name).toBe(assigned);
      expect(primary?.data).toMatchObject({ investigation_id: id, orchestrator_type: assigned, status: 'completed' });
      expect(primary?.data.shadow).toBeUndefined();
      const shadow = await run.queues.results.getJob(`${id}-shadow`);
      expect(shadow?.name).toBe(otherOrchestrator(assigned));
      expect(shadow?.data).toMatchObject({
        investigation_id: id,
        orchestrator_type: otherOrchestrator(assigned),
        status: 'completed',
        shadow: true,
      });
      expect(run.reports.filter((report) => report.investigation_id === id && report.shadow !== true)).toHaveLength(1);
    }
    // Both orchestrators were assigned, so both ran in shadow.
    expect(new Set(run.reports.filter((report) => report.shadow).map((report) => report.orchestrator_type)).size).toBe(2);
  });

  it('logs a summary line per report, the shadow ones marked shadow: true', () => {
    const lines = summaries(run);
    expect(lines.filter((line) => line.shadow === true)).toHaveLength(8);
    expect(lines.filter((line) => line.shadow === undefined)).toHaveLength(8);
    for (const line of lines.filter((line) => line.shadow === true)) {
      expect(line.orchestrator_type).toBe(
        otherOrchestrator(assignOrchestrator(String(line.investigation_id), HALF_DIRECT).orchestrator_type),
      );
    }
  });

  it('counts shadow reports on /metrics apart from the primary ones', () => {
    const total = (shadow: string) =>
      samplesOf(run.metrics.flat(), 'promptrca_investigations_total', { shadow }).reduce((sum, sample) => sum + sample.value, 0);
    expect(total('false')).toBe(8);
    expect(total('true')).toBe(8);
  });

  it('lets compare pair both orchestrators on every investigation', async () => {
    const compared = await runCli(['compare', '--json'], { PROMPTRCA_QUEUE_PREFIX: run.prefix });
    expect(compared.code).toBe(0);
    const result = JSON.parse(compared.stdout) as CompareResult;
    expect(result.reports).toBe(16);
    expect(result.comparison.pairs).toBe(8);
    expect(result.comparison.shadow_reports).toBe(8);
  });

  it('tags shadow reports in `results`', async () => {
    const listed = await runCli(['results'], { PROMPTRCA_QUEUE_PREFIX: run.prefix });
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(16);
    expect(lines.filter((line) => / \[(direct_invocation|agent_tools) shadow\] inv-/.test(line))).toHaveLength(8);
  });
});

describe('shadow mode at 50% across replicas, and at 0%', () => {
  it('shadows exactly the investigations whose shadow bucket is below 50, whichever process ran them', async () => {
    const run = await runWithShadow('shadow-half', 50, 16, 2);
    try {
      const shadowed = run.reports.filter((report) => report.shadow === true).map((report) => report.investigation_id);
      const expected = run.ids.filter((id) => shadowBucketFor(id) < 50);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(16);
      expect(new Set(shadowed)).toEqual(new Set(expected));
      expect(shadowed).toHaveLength(expected.length);
      const done = await run.queues.investigations.getJobs(['completed']);
      expect(new Set(done.map((job) => job.processedBy)).size).toBe(2);
    } finally {
      await run.queues.close();
    }
  }, 60_000);

  it('runs no shadow at 0%', async () => {
    const run = await runWithShadow('shadow-none', 0, 4, 1);
    await run.queues.close();
    expect(run.reports).toHaveLength(4);
    expect(run.reports.filter((report) => report.shadow !== undefined)).toEqual([]);
    expect(run.logs.filter((line) => line.shadow !== undefined)).toEqual([]);
  }, 60_000);
});
