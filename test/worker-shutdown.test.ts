import { describe, expect, it } from 'vitest';
import { distinctAlarms, enqueueAll, logLines, runCli, startWorker, uniquePrefix, useSimAndQueues, waitFor } from './support/pipeline.js';

const prefix = uniquePrefix('shutdown');
const settings = { dedupeTtlSeconds: 3600, attempts: 2, backoffSeconds: 1 };
const MODEL_LATENCY_MS = 1_500;
const pipeline = useSimAndQueues(prefix, MODEL_LATENCY_MS);

const ALL_DIRECT = { PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true', PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '100' };

const enqueue = (alarms: unknown[]) => enqueueAll(pipeline.queues, alarms, settings);

const counts = () => pipeline.queues.investigations.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');

describe('worker shutdown', () => {
  it('SIGTERM during load: in-flight investigations finish and report, nothing is left active, exit 0', async () => {
    const ids = await enqueue(distinctAlarms(12, Date.UTC(2022, 0, 1)));
    const worker = await startWorker({ ...ALL_DIRECT, PROMPTRCA_QUEUE_PREFIX: prefix, OPENAI_BASE_URL: pipeline.sim.url }, [
      '--concurrency',
      '4',
    ]);
    await waitFor(
      async () => (await counts()).active === 4,
      10_000,
      () => 'four in flight',
    );
    const inFlight = (await pipeline.queues.investigations.getActive()).map((job) => job.id!);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const after = await counts();
    expect(after.active).toBe(0);
    expect(after.failed).toBe(0);
    expect((after.completed ?? 0) + (after.waiting ?? 0)).toBe(ids.length);
    for (const id of inFlight) {
      expect(await pipeline.queues.investigations.getJobState(id)).toBe('completed');
      expect((await pipeline.queues.results.getJob(id))?.data).toMatchObject({ status: 'completed' });
    }
    expect(logLines(worker.stdout()).map((line) => line.message)).toContain('worker stopped');
    await pipeline.queues.investigations.obliterate({ force: true });
  }, 30_000);

  it('a second signal exits at once, leaving the investigations to another replica', async () => {
    const ids = await enqueue(distinctAlarms(2, Date.UTC(2022, 1, 1)));
    const worker = await startWorker({ ...ALL_DIRECT, PROMPTRCA_QUEUE_PREFIX: prefix, OPENAI_BASE_URL: pipeline.sim.url }, [
      '--concurrency',
      '2',
    ]);
    await waitFor(
      async () => (await counts()).active === 2,
      10_000,
      () => 'two in flight',
    );
    worker.child.kill('SIGTERM');
    await waitFor(
      () => worker.stdout().includes('shutting down'),
      5_000,
      () => 'the first signal to be handled',
    );
    const second = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(128 + 15);
    expect(Date.now() - second).toBeLessThan(MODEL_LATENCY_MS);
    for (const id of ids) {
      expect(await pipeline.queues.results.getJob(id)).toBeUndefined();
      expect(await pipeline.queues.investigations.getJobState(id)).toBe('active');
    }
    await pipeline.queues.investigations.obliterate({ force: true });
  }, 30_000);
});

describe('worker configuration', () => {
  const env = { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct' };

  it.each([
    ['PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE', '150', 'a whole number from 0 to 100'],
    ['PROMPTRCA_USE_DIRECT_ORCHESTRATION', 'yes', 'true or false'],
    ['PROMPTRCA_FORCE_ORCHESTRATOR', 'legacy', 'direct or agent_tools'],
    ['PROMPTRCA_WORKER_CONCURRENCY', '0', 'a whole number from 1 to 1000'],
  ])('stops at start with exit 2 when %s=%s, naming the variable, the value and what is allowed', async (variable, value, allowed) => {
    const result = await runCli(['worker', '--llm', 'none'], { ...env, [variable]: value });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${variable}=${JSON.stringify(value)} is not valid: allowed ${allowed}`);
  });

  it('refuses to start without a model when the flags can route to agent_tools', async () => {
    const result = await runCli(['worker', '--llm', 'none'], {
      PROMPTRCA_QUEUE_PREFIX: prefix,
      PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true',
      PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '50',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PERCENTAGE=50 leaves 50% to agent_tools, which needs a model, but no LLM is configured/);
  });

  it('says so within seconds when Redis does not answer', async () => {
    const result = await runCli(['worker', '--llm', 'none'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
