import { afterAll, describe, expect, it } from 'vitest';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import type { Report } from '../src/report/report.js';
import { type ModelProxy, startModelProxy } from './support/model-proxy.js';
import { distinctAlarms, enqueueAll, logLines, type SpawnedProcess, useWorkerRuns, waitForReports } from './support/pipeline.js';
import { parseExposition, type Sample, samplesOf } from './support/prometheus.js';

const runs = useWorkerRuns();
const closing: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(closing.map((server) => server.close()));
});

/**
 * llm-sim enforcing 60 requests a minute over 5 s (a bucket of 5, one more each second), behind a
 * proxy that notes when each request arrives.
 */
async function limitedEndpoint(): Promise<{ sim: LlmSim; proxy: ModelProxy; arrivals: number[] }> {
  const sim = await startLlmSim({ rpm: 60, windowSeconds: 5 });
  const arrivals: number[] = [];
  const proxy = await startModelProxy(sim.url, () => {
    arrivals.push(Date.now());
    return false;
  });
  closing.push(proxy, sim);
  return { sim, proxy, arrivals };
}

/** The most requests that arrived within any `windowMs`. */
function peakInWindow(arrivals: number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let peak = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

async function workerMetrics(workers: SpawnedProcess[]): Promise<Sample[]> {
  const urls = workers.map((worker) => String(logLines(worker.stdout()).find((line) => line.message === 'worker started')?.metrics));
  const texts = await Promise.all(urls.map(async (url) => (await fetch(url)).text()));
  return texts.flatMap(parseExposition);
}

const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samplesOf(samples, name, labels).reduce((sum, sample) => sum + sample.value, 0);

/** Every investigation concluded from the model's answer: the planted timeout, one model call each, nothing missing. */
function expectAllConcluded(reports: Report[], count: number): void {
  expect(reports).toHaveLength(count);
  for (const report of reports) {
    expect(report.status).toBe('completed');
    expect(report.root_cause?.type).toBe('timeout');
    expect(report.usage.llm_calls).toBe(1);
    expect(report.missing_facts ?? []).toEqual([]);
  }
}

const ALARMS = 16;
const settings = { dedupeTtlSeconds: 3600, attempts: 3, backoffSeconds: 1 };
const worker = (baseURL: string, env: NodeJS.ProcessEnv = {}) => ({
  env: { PROMPTRCA_FORCE_ORCHESTRATOR: 'direct', OPENAI_BASE_URL: baseURL, PROMPTRCA_MODEL: 'llm-sim', ...env },
  args: ['--concurrency', '8'],
});

describe('LLM limits across worker processes', () => {
  it('two workers sharing PROMPTRCA_LLM_RPM=60 stay within it together: no 429, every investigation concluded', async () => {
    const endpoint = await limitedEndpoint();
    await runs.run('llm-budget', 2, worker(endpoint.proxy.url, { PROMPTRCA_LLM_RPM: '60' }), async ({ queues, workers }) => {
      const started = Date.now();
      await enqueueAll(queues, distinctAlarms(ALARMS), settings);
      expectAllConcluded(await waitForReports(queues, ALARMS, 60_000), ALARMS);
      const elapsed = Date.now() - started;
      const done = await queues.investigations.getJobs(['completed']);
      expect(new Set(done.map((job) => job.processedBy)).size).toBe(2);

      // 16 calls evenly spaced at one a second: 15 s at least, never more than 6 in 5 s (5 + the edge).
      expect(endpoint.arrivals).toHaveLength(ALARMS);
      expect(elapsed).toBeGreaterThanOrEqual(14_500);
      expect(peakInWindow(endpoint.arrivals, 5_000)).toBeLessThanOrEqual(6);
      expect(endpoint.sim.stats.rate_limited).toBe(0);

      const metrics = await workerMetrics(workers);
      expect(total(metrics, 'promptrca_llm_budget_wait_seconds_count')).toBe(ALARMS);
      // Waits of 0 to 15 s, about 7.5 s each on average.
      expect(total(metrics, 'promptrca_llm_budget_wait_seconds_sum')).toBeGreaterThan(ALARMS * 5);
      expect(total(metrics, 'promptrca_llm_rate_limited_total')).toBe(0);
      await queues.close();
    });
  }, 90_000);

  it('without a budget, the endpoint’s 429s are waited out as Retry-After asks, and every investigation concludes', async () => {
    const endpoint = await limitedEndpoint();
    await runs.run('llm-429', 2, worker(endpoint.proxy.url), async ({ queues, workers }) => {
      await enqueueAll(queues, distinctAlarms(ALARMS), settings);
      expectAllConcluded(await waitForReports(queues, ALARMS, 60_000), ALARMS);
      expect(endpoint.sim.stats.completions).toBe(ALARMS);
      // 16 at once meet a bucket of 5: the rest are refused, and come back when told to.
      expect(endpoint.sim.stats.rate_limited).toBeGreaterThanOrEqual(ALARMS - 5);
      const metrics = await workerMetrics(workers);
      expect(total(metrics, 'promptrca_llm_rate_limited_total', { reason: 'endpoint_429' })).toBe(endpoint.sim.stats.rate_limited);
      expect(total(metrics, 'promptrca_llm_budget_wait_seconds_count')).toBe(0);
      await queues.close();
    });
  }, 90_000);
});
