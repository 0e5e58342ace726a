import { describe, expect, it } from 'vitest';
import type { Report } from '../src/report/report.js';
import { distinctAlarms, enqueueAll, logLines, startWorker, uniquePrefix, useSimAndQueues, waitFor } from './support/pipeline.js';

const prefix = uniquePrefix('recovery');
const settings = { dedupeTtlSeconds: 3600, attempts: 2, backoffSeconds: 1 };
/** Every investigation waits this long for the simulated model: long enough to kill it mid-flight. */
const MODEL_LATENCY_MS = 2_500;
const pipeline = useSimAndQueues(prefix, MODEL_LATENCY_MS);

const ALL_DIRECT = { PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true', PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '100' };
const ALL_AGENT_TOOLS = { PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'false' };

function workerEnv(flags: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...flags, PROMPTRCA_QUEUE_PREFIX: prefix, OPENAI_BASE_URL: pipeline.sim.url, PROMPTRCA_LOCK_DURATION_MS: '1500' };
}

const enqueue = (alarms: unknown[]) => enqueueAll(pipeline.queues, alarms, settings);

/** Active, with the assignment stored: the investigation itself is under way. */
async function investigating(id: string): Promise<boolean> {
  const job = await pipeline.queues.investigations.getJob(id);
  return job !== undefined && (await job.getState()) === 'active' && 'assignment' in (job.data as object);
}

async function reportsFor(ids: string[]): Promise<Report[]> {
  const jobs = await Promise.all(ids.map((id) => pipeline.queues.results.getJob(id)));
  return jobs.filter((job) => job !== undefined).map((job) => job.data);
}

describe('a worker that dies or stops mid-investigation', () => {
  it('SIGKILLed: another worker completes the investigation with the same orchestrator, and exactly one report exists', async () => {
    const [id] = await enqueue(distinctAlarms(1, Date.UTC(2023, 5, 1)));
    const victim = await startWorker(workerEnv(ALL_DIRECT));
    await waitFor(
      () => investigating(id!),
      10_000,
      () => 'the investigation to start',
    );
    const assignedBefore = ((await pipeline.queues.investigations.getJob(id!))!.data as unknown as { assignment: unknown }).assignment;
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe(128 + 9);
    expect(await pipeline.queues.results.getJob(id!)).toBeUndefined();

    // The survivor's own flags would send new work to agent_tools; this job must stay direct.
    const survivor = await startWorker(workerEnv(ALL_AGENT_TOOLS));
    try {
      await waitFor(
        async () => (await pipeline.queues.investigations.getJobState(id!)) === 'completed',
        20_000,
        () => 'recovery',
      );
      const job = await pipeline.queues.investigations.getJob(id!);
      expect(job!.stalledCounter).toBe(1);
      expect(job!.processedBy).toMatch(new RegExp(`:${survivor.child.pid}$`));
      expect((job!.data as unknown as { assignment: unknown }).assignment).toEqual(assignedBefore);
      const reports = await reportsFor([id!]);
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({ orchestrator_type: 'direct_invocation', status: 'completed' });
      expect(await pipeline.queues.results.getJobCountByTypes('waiting', 'completed', 'failed')).toBe(1);
      expect(logLines(survivor.stdout())).toContainEqual(
        expect.objectContaining({ message: 'Orchestrator Type: direct_invocation', investigation_id: id, assignment_reused: true }),
      );
    } finally {
      survivor.child.kill('SIGTERM');
      await survivor.exited;
    }
  }, 60_000);

  it('flags changed and workers restarted while jobs are in flight: those jobs keep their orchestrator', async () => {
    const ids = await enqueue(distinctAlarms(4, Date.UTC(2023, 6, 1)));
    const before = await startWorker({ ...workerEnv(ALL_DIRECT), PROMPTRCA_SHUTDOWN_GRACE_SECONDS: '0' }, ['--concurrency', '4']);
    await waitFor(
      async () => (await Promise.all(ids.map(investigating))).every(Boolean),
      10_000,
      () => 'all four in flight',
    );

    // No grace: the investigations are cancelled and handed back to the queue, assignment kept.
    before.child.kill('SIGTERM');
    expect(await before.exited).toBe(0);
    expect(logLines(before.stdout())).toContainEqual(
      expect.objectContaining({ message: 'grace period over: returning 4 investigations to the queue' }),
    );
    expect(await pipeline.queues.investigations.getJobCountByTypes('active')).toBe(0);
    expect(await reportsFor(ids)).toEqual([]);

    const after = await startWorker(workerEnv(ALL_AGENT_TOOLS), ['--concurrency', '4']);
    try {
      await waitFor(
        async () => (await reportsFor(ids)).length === 4,
        20_000,
        () => 'four reports',
      );
      const reports = await reportsFor(ids);
      expect(reports.map((report) => report.orchestrator_type)).toEqual(ids.map(() => 'direct_invocation'));
      expect(reports.map((report) => report.status)).toEqual(ids.map(() => 'completed'));
    } finally {
      after.child.kill('SIGTERM');
      await after.exited;
    }
  }, 60_000);
});
