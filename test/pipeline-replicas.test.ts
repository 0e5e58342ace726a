import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptRcaQueues } from '../src/report/queues.js';
import type { Report } from '../src/report/report.js';
import { assignOrchestrator } from '../src/rollout/assignment.js';
import type { RolloutFlags } from '../src/rollout/flags.js';
import { distinctAlarms, enqueueAll, useWorkerRuns, waitForReports } from './support/pipeline.js';

const settings = { dedupeTtlSeconds: 3600, attempts: 2, backoffSeconds: 1 };
const runs = useWorkerRuns();

function flagEnv(flags: RolloutFlags): NodeJS.ProcessEnv {
  return {
    PROMPTRCA_USE_DIRECT_ORCHESTRATION: String(flags.useDirect),
    PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: String(flags.percentage),
    PROMPTRCA_FORCE_ORCHESTRATOR: flags.force ?? '',
  };
}

interface Run {
  queues: PromptRcaQueues;
  ids: string[];
  reports: Report[];
}

/**
 * Enqueues the alarms on fresh queues, runs `replicas` worker processes with the flags until every
 * investigation has a report, and stops them with SIGTERM (each must exit 0).
 */
function runPipeline(name: string, alarms: unknown[], flags: RolloutFlags, replicas: number): Promise<Run> {
  const env = { ...flagEnv(flags), OPENAI_BASE_URL: runs.sim.url, PROMPTRCA_MODEL: 'llm-sim' };
  return runs.run(name, replicas, { env, args: ['--concurrency', '16'] }, async ({ queues }) => {
    const ids = await enqueueAll(queues, alarms, settings);
    const reports = await waitForReports(queues, ids.length, 90_000);
    return { queues, ids, reports };
  });
}

const directIds = (reports: Report[]) =>
  new Set(reports.filter((report) => report.orchestrator_type === 'direct_invocation').map((report) => report.investigation_id));

describe('the pipeline across worker replicas', () => {
  const alarms = distinctAlarms(200);
  const HALF: RolloutFlags = { useDirect: true, percentage: 50, force: null };
  let half: Run;

  beforeAll(async () => {
    half = await runPipeline('half', alarms, HALF, 3);
  }, 120_000);

  afterAll(() => half?.queues.close());

  it('turns 200 alarms into 200 reports, none duplicated, each tagged with its orchestrator', async () => {
    expect(half.reports).toHaveLength(200);
    expect(new Set(half.reports.map((report) => report.investigation_id))).toEqual(new Set(half.ids));
    const jobs = await half.queues.results.getJobs(['waiting']);
    for (const job of jobs) expect(job.name).toBe((job.data as Report).orchestrator_type);
  });

  it('spreads the work over the three processes', async () => {
    const done = await half.queues.investigations.getJobs(['completed', 'failed']);
    expect(done).toHaveLength(200);
    expect(new Set(done.map((job) => job.processedBy)).size).toBe(3);
  });

  it('routes within 7 points of half to direct at 50%, each by the bucket formula, and stores it on the job', async () => {
    const direct = directIds(half.reports).size;
    expect(direct).toBeGreaterThanOrEqual(86);
    expect(direct).toBeLessThanOrEqual(114);
    for (const report of half.reports) {
      const expected = assignOrchestrator(report.investigation_id, HALF);
      expect(report.orchestrator_type).toBe(expected.orchestrator_type);
      const job = await half.queues.investigations.getJob(report.investigation_id);
      expect(job!.data).toMatchObject({ assignment: { ...expected, assigned_at: expect.any(String) } });
    }
    expect(half.reports.filter((report) => report.status !== 'completed')).toEqual([]);
  });

  it('gives each investigation the same orchestrator again after a restart', async () => {
    const again = await runPipeline('half-again', alarms.slice(0, 30), HALF, 1);
    await again.queues.close();
    const before = new Map(half.reports.map((report) => [report.investigation_id, report.orchestrator_type]));
    for (const report of again.reports) expect(report.orchestrator_type).toBe(before.get(report.investigation_id));
  }, 60_000);

  it('keeps every investigation that was direct at 10% direct at 25%', async () => {
    const sample = alarms.slice(0, 30);
    const at10 = await runPipeline('p10', sample, { useDirect: true, percentage: 10, force: null }, 1);
    const at25 = await runPipeline('p25', sample, { useDirect: true, percentage: 25, force: null }, 1);
    await Promise.all([at10.queues.close(), at25.queues.close()]);
    const direct10 = directIds(at10.reports);
    const direct25 = directIds(at25.reports);
    expect(direct10.size).toBeGreaterThan(0);
    expect(direct25.size).toBeGreaterThan(direct10.size);
    for (const id of direct10) expect(direct25.has(id)).toBe(true);
  }, 90_000);

  it('lets FORCE override both flags', async () => {
    const sample = alarms.slice(0, 12);
    const forcedDirect = await runPipeline('force-direct', sample, { useDirect: false, percentage: 0, force: 'direct' }, 1);
    const forcedAgent = await runPipeline('force-agent', sample, { useDirect: true, percentage: 100, force: 'agent_tools' }, 1);
    expect(new Set(forcedDirect.reports.map((r) => r.orchestrator_type))).toEqual(new Set(['direct_invocation']));
    expect(new Set(forcedAgent.reports.map((r) => r.orchestrator_type))).toEqual(new Set(['agent_tools']));
    const job = await forcedAgent.queues.investigations.getJob(forcedAgent.ids[0]!);
    expect(job!.data).toMatchObject({ assignment: { orchestrator_type: 'agent_tools', source: 'force' } });
    await Promise.all([forcedDirect.queues.close(), forcedAgent.queues.close()]);
  }, 90_000);
});
