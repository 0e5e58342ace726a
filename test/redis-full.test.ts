import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { redisRefusal } from '../src/platform/error-kind.js';
import { connectQueues, type PromptRcaQueues } from '../src/report/queues.js';
import { relatedCount } from '../src/report/report.js';
import {
  distinctAlarms,
  enqueueAll,
  logLines,
  reportsOn,
  runCli,
  type SpawnedProcess,
  startWorker,
  uniquePrefix,
  waitFor,
} from './support/pipeline.js';
import { parseExposition, sampleValue } from './support/prometheus.js';
import { ThrowawayRedis } from './support/throwaway-redis.js';

const ALARMS = 24;
const settings = { dedupeTtlSeconds: 3600, attempts: 3, backoffSeconds: 1 };

let redis: ThrowawayRedis;
let admin: Redis;
let sim: LlmSim;
let queues: PromptRcaQueues;
let worker: SpawnedProcess;
let metricsUrl: string;

beforeAll(async () => {
  [redis, sim] = await Promise.all([ThrowawayRedis.start(), startLlmSim({ latencyMs: 1_000 })]);
  admin = new Redis(redis.url);
  await admin.config('SET', 'maxmemory-policy', 'noeviction');
}, 20_000);

afterAll(async () => {
  await admin?.config('SET', 'maxmemory', '0').catch(() => {});
  worker?.child.kill('SIGTERM');
  await worker?.exited;
  await queues?.close();
  admin?.disconnect();
  await Promise.all([sim?.close(), redis?.remove()]);
});

/**
 * Sets maxmemory below what Redis holds: under noeviction it then refuses every write that could
 * take memory, however small, until maxmemory is raised; keys that expire meanwhile cannot bring
 * it back under, as they could with a limit just above what it holds.
 */
async function fillRedis(): Promise<void> {
  await admin.config('SET', 'maxmemory', '1');
  const refused = await admin.set('filler', 'x').then(
    () => null,
    (error: unknown) => redisRefusal(error),
  );
  expect(refused).toBe('OOM');
}

async function scrape() {
  return parseExposition(await (await fetch(metricsUrl)).text());
}

describe('a Redis that runs out of memory under a running worker', () => {
  it('keeps the built reports until Redis takes writes again: one report each, each investigated once', async () => {
    const env = { REDIS_URL: redis.url, PROMPTRCA_QUEUE_PREFIX: uniquePrefix('redis-full') };
    queues = await connectQueues(env);
    await queues.investigations.pause();
    const ids = await enqueueAll(queues, distinctAlarms(ALARMS), settings);
    worker = await startWorker(
      { ...env, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct', OPENAI_BASE_URL: sim.url, PROMPTRCA_MODEL: 'llm-sim', LOG_LEVEL: 'info' },
      ['--concurrency', '4'],
    );
    metricsUrl = String(logLines(worker.stdout()).find((line) => line.message === 'worker started')?.metrics);
    await queues.investigations.resume();
    await waitFor(
      async () => (await reportsOn(queues)).length >= 2,
      20_000,
      () => 'the first reports',
    );

    await fillRedis();
    // Investigations in flight end while Redis is full: their reports wait in the worker, and it says why.
    const readyzUrl = metricsUrl.replace(/\/metrics$/, '/readyz');
    let refused: Record<string, unknown> = {};
    await waitFor(
      async () => {
        const response = await fetch(readyzUrl);
        if (response.status !== 503) return false;
        refused = (await response.json()) as Record<string, unknown>;
        return true;
      },
      15_000,
      () => '/readyz 503 while Redis refuses writes',
    );
    expect(refused).toMatchObject({ healthy: false, state: 'redis_refuses_writes', redis_refusal: 'OOM' });
    await waitFor(
      async () => sampleValue(await scrape(), 'promptrca_redis_refusing_writes', { reason: 'OOM' }) === 1,
      15_000,
      () => 'promptrca_redis_refusing_writes{reason="OOM"} 1',
    );
    // An operator command that cannot write says why, plainly.
    const rollback = await runCli(['rollout', 'rollback', '--reason', 'memory test'], { ...env, PROMPTRCA_OPERATOR: 'sre' });
    expect(rollback.code).toBe(1);
    expect(rollback.stderr).toMatch(/^promptrca: Redis refuses writes \(OOM: it is out of memory .*run it again once Redis takes writes/);

    // /readyz learns of the refusal from its own write probe; the worker's writes learn it when the
    // investigations in flight end (the model answers slowly so that some always are). Which write
    // Redis refuses first (a report, or the assignment of the next one) depends on timing; the
    // worker waits and says so either way.
    await waitFor(
      () =>
        logLines(worker.stdout()).some((line) =>
          /^Redis refuses to (publish the report|record the assignment|read the results)/.test(String(line.message)),
        ),
      15_000,
      () => 'a worker write refused and waiting',
    );
    await admin.config('SET', 'maxmemory', '0');
    await waitFor(
      async () => (await reportsOn(queues)).length >= ALARMS,
      60_000,
      () => `${ALARMS} reports`,
    );
    // A little longer, to see that no second report of any investigation follows.
    await sleep(2_000);
    const reports = await reportsOn(queues);
    expect(reports.map((report) => report.investigation_id).sort()).toEqual([...ids].sort());
    expect(reports.every((report) => report.status === 'completed')).toBe(true);
    // Reports kept while Redis was full name the other investigations of their function too: each
    // those registered before it.
    const related = reports.map((report) => (report.related ? relatedCount(report.related) : -1));
    expect(related.sort((a, b) => a - b)).toEqual([...Array(ALARMS).keys()]);

    const runs = logLines(worker.stdout()).filter((line) => line.message === 'DIRECT INVOCATION ORCHESTRATION');
    const runsPer = new Map<string, number>();
    for (const run of runs) runsPer.set(String(run.investigation_id), (runsPer.get(String(run.investigation_id)) ?? 0) + 1);
    expect([...runsPer.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    expect(runsPer.size).toBe(ALARMS);

    await waitFor(
      async () => (await fetch(readyzUrl)).status === 200,
      20_000,
      () => '/readyz 200 again',
    );
    expect(sampleValue(await scrape(), 'promptrca_redis_refusing_writes', { reason: 'none' })).toBe(0);
  }, 120_000);

  it('turns an idle worker not ready while Redis refuses writes, and ready again after', async () => {
    const env = { REDIS_URL: redis.url, PROMPTRCA_QUEUE_PREFIX: uniquePrefix('redis-full-idle'), PROMPTRCA_FORCE_ORCHESTRATOR: 'direct' };
    await admin.config('SET', 'maxmemory', '0');
    const idle = await startWorker({ ...env, LOG_LEVEL: 'info' }, ['--llm', 'none']);
    try {
      const started = logLines(idle.stdout()).find((line) => line.message === 'worker started');
      const readyzUrl = String(started?.metrics).replace(/\/metrics$/, '/readyz');
      expect((await fetch(readyzUrl)).status).toBe(200);

      await fillRedis();
      const response = await fetch(readyzUrl);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ state: 'redis_refuses_writes', redis_refusal: 'OOM' });

      await admin.config('SET', 'maxmemory', '0');
      expect((await fetch(readyzUrl)).status).toBe(200);
    } finally {
      idle.child.kill('SIGTERM');
      await idle.exited;
    }
  }, 60_000);
});
