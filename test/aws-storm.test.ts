import { describe, expect, it } from 'vitest';
import { runStorm } from '../bench/storm.js';
import { stormWorkload } from '../bench/storm-workload.js';

// Quotas low enough that two workers at concurrency 10 would overrun them if each kept its own count.
const QUOTAS = { lambda: 6, 'logs.FilterLogEvents': 2, 'cloudwatch.GetMetricData': 10 };
const LIMITS = 'lambda=6,logs.FilterLogEvents=2,cloudwatch.GetMetricData=10';
const total = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

describe('an alarm storm against the AWS stand-in (2 `promptrca worker` processes, real SDK clients)', () => {
  it('two workers share one budget: no second answers more calls of a quota than it allows, none throttled', async () => {
    const workload = stormWorkload(8, 4, 20);
    const run = await runStorm('shared budget', workload, {
      workers: 2,
      concurrency: 10,
      quotas: QUOTAS,
      env: { PROMPTRCA_AWS_RATE_LIMITS: LIMITS, PROMPTRCA_AWS_SHARED_FACTS: 'false' },
    });
    expect(run.reports).toHaveLength(32);
    expect(run.right).toBe(32);
    expect(total(run.throttled)).toBe(0);
    // Without shared facts every investigation reads for itself: 32 alarms' worth, paced as one fleet.
    expect(run.calls['logs.FilterLogEvents']).toBeGreaterThanOrEqual(32);
    for (const [bucket, perSecond] of Object.entries(run.answeredPerSecond)) {
      const quota = QUOTAS[bucket.split('@')[0] as keyof typeof QUOTAS];
      for (const answered of perSecond) expect(answered ?? 0).toBeLessThanOrEqual(quota);
    }
  }, 120_000);

  it('shared facts: a function alarming again and again is read once per log window across both workers', async () => {
    const workload = stormWorkload(8, 4, 20);
    const run = await runStorm('shared facts', workload, {
      workers: 2,
      concurrency: 10,
      quotas: QUOTAS,
      env: { PROMPTRCA_AWS_RATE_LIMITS: LIMITS },
    });
    expect(run.right).toBe(32);
    for (const calls of Object.values(run.calls)) expect(calls).toBeLessThanOrEqual(3 * workload.functions);
    // Each report still shows the facts it was concluded from.
    for (const report of run.reports) expect(report.facts.map((f) => f.source)).toContain('lambda.GetFunctionConfiguration');
  }, 120_000);

  it('every call throttled for 10 s: investigations wait and retry, none concludes from missing facts, all right afterwards', async () => {
    const workload = stormWorkload(4, 3, 20);
    const run = await runStorm('throttled for 10 s', workload, {
      workers: 2,
      concurrency: 10,
      atStart: (standIn) => standIn.throttleAllFor(10_000),
    });
    expect(total(run.throttled)).toBeGreaterThan(0);
    expect(run.drainSeconds).toBeGreaterThanOrEqual(10);
    expect(run.failed).toBe(0);
    expect(run.reports.filter((r) => r.missing_facts)).toEqual([]);
    expect(run.right).toBe(12);
  }, 120_000);
});
