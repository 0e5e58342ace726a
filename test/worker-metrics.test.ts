import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { readiness } from '../src/platform/readiness.js';
import { enqueueAlarm } from '../src/producer/enqueue.js';
import { connectQueues, type PromptRcaQueues } from '../src/report/queues.js';
import type { Report } from '../src/report/report.js';
import { distinctAlarms, logLines, reportsOn, type SpawnedProcess, startWorker, uniquePrefix, waitFor } from './support/pipeline.js';
import { parseExposition, type Sample, sampleValue } from './support/prometheus.js';
import { ThrowawayRedis } from './support/throwaway-redis.js';

const ALARMS = 6;
const settings = { dedupeTtlSeconds: 3600, attempts: 1, backoffSeconds: 1 };
const DIRECT = { orchestrator_type: 'direct_invocation', shadow: 'false' };

let redis: ThrowawayRedis;
let sim: LlmSim;
let queues: PromptRcaQueues;
let worker: SpawnedProcess;
let metricsUrl: string;

async function scrape(): Promise<Sample[]> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

async function health(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(metricsUrl.replace(/\/metrics$/, '/healthz'));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  [redis, sim] = await Promise.all([ThrowawayRedis.start(), startLlmSim({ latencyMs: 150 })]);
  const env = { REDIS_URL: redis.url, PROMPTRCA_QUEUE_PREFIX: uniquePrefix('worker-metrics') };
  queues = await connectQueues(env);
  // Paused, so that the jobs wait where the queue gauge can see them.
  await queues.investigations.pause();
  worker = await startWorker(
    { ...env, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct', OPENAI_BASE_URL: sim.url, PROMPTRCA_MODEL: 'llm-sim', PROMPTRCA_METRICS_PORT: '0' },
    ['--concurrency', '2'],
  );
  const started = logLines(worker.stdout()).find((line) => line.message === 'worker started');
  metricsUrl = String(started?.metrics);
}, 40_000);

afterAll(async () => {
  redis?.thaw();
  worker?.child.kill('SIGTERM');
  await worker?.exited;
  await queues?.close();
  await Promise.all([sim?.close(), redis?.remove()]);
});

describe('the worker /metrics and /healthz', () => {
  it('logs the bound port when given port 0 and serves the process metrics beside its own', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(metricsUrl).not.toMatch(/:0\/metrics$/);
    const samples = await scrape();
    expect(sampleValue(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(await health()).toEqual({ status: 200, body: { healthy: true, state: 'running', redis: 'ready', active_investigations: 0 } });
  });

  it('shows waiting jobs on the queue gauge, then the counters moving as they are investigated', async () => {
    for (const alarm of distinctAlarms(ALARMS)) await enqueueAlarm(queues.investigations, alarm, { source: 'test', settings });
    const before = await scrape();
    expect(sampleValue(before, 'promptrca_queue_jobs', { state: 'waiting' })).toBe(ALARMS);
    expect(sampleValue(before, 'promptrca_investigations_total', { ...DIRECT, status: 'completed' })).toBe(0);
    expect(sampleValue(before, 'promptrca_active_investigations')).toBe(0);

    await queues.investigations.resume();
    let during: Sample[] = [];
    await waitFor(
      async () => (sampleValue((during = await scrape()), 'promptrca_active_investigations') ?? 0) > 0,
      15_000,
      () => 'an active investigation',
    );
    expect(sampleValue(during, 'promptrca_queue_jobs', { state: 'active' })).toBeGreaterThan(0);

    let after: Sample[] = [];
    await waitFor(
      async () => sampleValue((after = await scrape()), 'promptrca_investigations_total', { ...DIRECT, status: 'completed' }) === ALARMS,
      30_000,
      () => `${ALARMS} completed investigations on /metrics`,
    );
    const reports: Report[] = await reportsOn(queues);
    const total = (pick: (report: Report) => number) => reports.reduce((sum, report) => sum + pick(report), 0);
    expect(reports).toHaveLength(ALARMS);
    expect(sampleValue(after, 'promptrca_investigations_total', { ...DIRECT, status: 'failed' })).toBe(0);
    expect(sampleValue(after, 'promptrca_investigation_duration_seconds_count', DIRECT)).toBe(ALARMS);
    expect(sampleValue(after, 'promptrca_investigation_duration_seconds_sum', DIRECT)).toBeCloseTo(
      total((r) => r.duration_seconds),
      6,
    );
    expect(sampleValue(after, 'promptrca_llm_calls_total', DIRECT)).toBe(total((r) => r.usage.llm_calls));
    expect(sampleValue(after, 'promptrca_llm_calls_total', DIRECT)).toBeGreaterThan(0);
    expect(sampleValue(after, 'promptrca_llm_tokens_total', { ...DIRECT, kind: 'prompt' })).toBe(total((r) => r.usage.prompt_tokens));
    expect(sampleValue(after, 'promptrca_llm_tokens_total', { ...DIRECT, kind: 'completion' })).toBe(
      total((r) => r.usage.completion_tokens),
    );
    expect(sampleValue(after, 'promptrca_llm_tokens_total', { orchestrator_type: 'agent_tools', kind: 'prompt', shadow: 'false' })).toBe(0);
    await waitFor(
      async () => sampleValue(await scrape(), 'promptrca_active_investigations') === 0,
      5_000,
      () => 'no active investigation',
    );
    expect(sampleValue(await scrape(), 'promptrca_queue_jobs', { state: 'waiting' })).toBe(0);
  }, 45_000);

  it('still answers a scrape while Redis hangs, without the queue gauge, and reports itself unhealthy until Redis is back', async () => {
    redis.freeze();
    try {
      const startedAt = performance.now();
      const samples = await scrape();
      expect(performance.now() - startedAt).toBeLessThan(3_000);
      expect(sampleValue(samples, 'promptrca_queue_jobs', { state: 'waiting' })).toBeUndefined();
      expect(sampleValue(samples, 'promptrca_investigations_total', { ...DIRECT, status: 'completed' })).toBe(ALARMS);
      expect(await health()).toMatchObject({ status: 503, body: { healthy: false, state: 'waiting_for_redis' } });
    } finally {
      redis.thaw();
    }
    await waitFor(
      async () => (await health()).status === 200,
      10_000,
      () => 'healthy again',
    );
    expect(sampleValue(await scrape(), 'promptrca_queue_jobs', { state: 'waiting' })).toBe(0);
  }, 20_000);
});

describe('the worker health states', () => {
  const state = { stopping: false, takingJobs: true, redisAnswers: true, redisStatus: 'ready' };
  const workerHealth = (given: typeof state) => readiness(given, { active_investigations: 3 });

  it('is healthy only while it takes jobs with Redis answering; stopping wins over everything', () => {
    expect(workerHealth(state)).toEqual({ healthy: true, state: 'running', redis: 'ready', active_investigations: 3 });
    expect(workerHealth({ ...state, stopping: true })).toMatchObject({ healthy: false, state: 'stopping' });
    expect(workerHealth({ ...state, stopping: true, redisAnswers: false })).toMatchObject({ healthy: false, state: 'stopping' });
    expect(workerHealth({ ...state, redisAnswers: false, redisStatus: 'reconnecting' })).toMatchObject({
      healthy: false,
      state: 'waiting_for_redis',
      redis: 'reconnecting',
    });
    expect(workerHealth({ ...state, takingJobs: false })).toMatchObject({ healthy: false, state: 'not_taking_jobs' });
  });
});
