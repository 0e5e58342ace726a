import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { failedReport } from '../src/report/failed-report.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import type { Report } from '../src/report/report.js';
import { ResultsPublisher } from '../src/report/results-publisher.js';
import { evaluateGuard } from '../src/rollout/guard.js';
import { readAudit } from '../src/rollout/rollout-audit.js';
import { readStoredRollout, rolloutKey } from '../src/rollout/rollout-state.js';
import { craftReports, healthyRollout } from './support/crafted-reports.js';
import { deleteKeys, openQueues, REDIS_URL, runCli, spawnCli, uniquePrefix, waitFor } from './support/pipeline.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const WINDOW = { from: new Date(NOW.getTime() - 15 * 60_000), to: NOW };
const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
/** A transient error: it breaks the error-rate gate without being a critical error. */
const THROTTLED = 'ThrottlingException: Rate exceeded';

function failingDirect(total: number, failed: number, startedAt: string): Report[] {
  return craftReports('direct_invocation', total, (i) => ({
    startedAt,
    confidence: 0.86,
    ...(i < failed ? { status: 'failed' as const, error: THROTTLED, errorKind: 'transient' as const } : {}),
  }));
}
const agents = (count: number, startedAt: string) => craftReports('agent_tools', count, () => ({ startedAt, confidence: 0.8 }));

describe('evaluateGuard', () => {
  it('rolls back when the direct_invocation error rate breaks its gate, naming the gate and the figures', () => {
    const evaluation = evaluateGuard([...failingDirect(40, 4, at(5)), ...agents(40, at(5))], WINDOW);
    expect(evaluation.outcome).toBe('roll_back');
    expect(evaluation.reasons).toEqual(['error_rate gate: direct_invocation error rate 10.00% (4 of 40) is not below 5%']);
  });

  it('rolls back on a confidence below agent_tools', () => {
    const direct = craftReports('direct_invocation', 30, () => ({ startedAt: at(1), confidence: 0.72 }));
    const evaluation = evaluateGuard([...direct, ...agents(30, at(1))], WINDOW);
    expect(evaluation.outcome).toBe('roll_back');
    expect(evaluation.reasons[0]).toMatch(/^confidence gate: direct_invocation mean confidence 0.72 is below agent_tools 0.80/);
  });

  it('is inconclusive below 30 direct_invocation results, however bad they are and however many agent_tools has', () => {
    const evaluation = evaluateGuard([...failingDirect(29, 29, at(1)), ...agents(40, at(1))], WINDOW);
    expect(evaluation.outcome).toBe('inconclusive');
    expect(evaluation.reasons).toEqual([
      '29 direct_invocation results in the window (and 40 agent_tools); 30 direct_invocation results are needed to judge',
    ]);
  });

  it("with 30 direct_invocation results and fewer agent_tools, rolls back on direct_invocation's own error rate", () => {
    const evaluation = evaluateGuard([...failingDirect(40, 4, at(5)), ...agents(2, at(5))], WINDOW);
    expect(evaluation.outcome).toBe('roll_back');
    expect(evaluation.reasons).toEqual(['error_rate gate: direct_invocation error rate 10.00% (4 of 40) is not below 5%']);
  });

  it('with 30 direct_invocation results and fewer agent_tools, rolls back on a confidence below 0.70', () => {
    const direct = craftReports('direct_invocation', 30, () => ({ startedAt: at(1), confidence: 0.65 }));
    const evaluation = evaluateGuard(direct, WINDOW);
    expect(evaluation.outcome).toBe('roll_back');
    expect(evaluation.reasons).toEqual(['confidence gate: direct_invocation mean confidence 0.65 is below 0.70']);
  });

  it('with 30 direct_invocation results and fewer agent_tools, skips only the comparison with agent_tools and says so', () => {
    // Below agent_tools' 0.95: that would roll back once agent_tools had 30 results.
    const direct = craftReports('direct_invocation', 30, () => ({ startedAt: at(1), confidence: 0.86 }));
    const fewAgents = craftReports('agent_tools', 3, () => ({ startedAt: at(1), confidence: 0.95 }));
    const evaluation = evaluateGuard([...direct, ...fewAgents], WINDOW);
    expect(evaluation.outcome).toBe('healthy');
    expect(evaluation.gates.map((gate) => [gate.gate, gate.status])).toEqual([
      ['critical_errors', 'pass'],
      ['error_rate', 'pass'],
      ['confidence', 'pass'],
    ]);
    expect(evaluation.reasons).toContain(
      'direct_invocation mean confidence 0.86 ≥ 0.70; not compared with agent_tools (3 agent_tools reports, 30 needed)',
    );
    expect(evaluation.reasons.at(-1)).toBe(
      'only 3 agent_tools results (30 needed): direct_invocation judged on its own limits, not against agent_tools',
    );
    const enough = evaluateGuard([...direct, ...craftReports('agent_tools', 30, () => ({ startedAt: at(1), confidence: 0.95 }))], WINDOW);
    expect(enough.outcome).toBe('roll_back');
  });

  it('judges only the results that started inside the window', () => {
    const evaluation = evaluateGuard(
      [...failingDirect(40, 40, at(20)), ...healthyRollout(30, 30).map((r) => ({ ...r, started_at: at(1) }))],
      WINDOW,
    );
    expect(evaluation.results).toEqual({ direct_invocation: 30, agent_tools: 30 });
    expect(evaluation.outcome).toBe('healthy');
  });

  it('calls a rollout that passes every failure gate healthy and never promotes, even when compare would', () => {
    const evaluation = evaluateGuard(
      healthyRollout(40, 40).map((r) => ({ ...r, started_at: at(2) })),
      WINDOW,
    );
    expect(evaluation.outcome).toBe('healthy');
    expect(evaluation.gates.map((gate) => [gate.gate, gate.status])).toEqual([
      ['critical_errors', 'pass'],
      ['error_rate', 'pass'],
      ['confidence', 'pass'],
    ]);
  });
});

describe('promptrca rollout guard against Redis', () => {
  const prefixes: string[] = [];
  const open: PromptRcaQueues[] = [];

  afterAll(async () => {
    await Promise.all(open.map((queues) => queues.close()));
    await Promise.all(prefixes.map(deleteKeys));
  });

  async function rolloutAt25(name: string): Promise<{ env: NodeJS.ProcessEnv; queues: PromptRcaQueues }> {
    const prefix = uniquePrefix(`guard-${name}`);
    prefixes.push(prefix);
    const env = { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_OPERATOR: 'alice' };
    const set = await runCli(['rollout', 'set', '--enabled', 'true', '--percentage', '25', '--reason', 'phase 2'], env);
    expect(set.code, set.stderr).toBe(0);
    const queues = await openQueues(prefix);
    open.push(queues);
    return { env, queues };
  }

  async function publish(queues: PromptRcaQueues, reports: Report[]): Promise<void> {
    const publisher = new ResultsPublisher(queues);
    for (const report of reports) await publisher.publish(report);
  }

  const now = () => new Date().toISOString();

  it('rolls back on an injected failure rate, with the gate and figures in the audit', async () => {
    const { env, queues } = await rolloutAt25('fail');
    await publish(queues, [...failingDirect(40, 8, now()), ...agents(40, now())]);
    const run = await runCli(['rollout', 'guard', '--once', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ direct_percentage: 25, evaluation: { outcome: 'roll_back' } });
    expect(await readStoredRollout(queues.redis, queues.prefix)).toEqual({ enabled: true, percentage: 0 });
    const [rollback] = await readAudit(queues.redis, queues.prefix, 1);
    expect(rollback).toMatchObject({
      who: 'alice (rollout guard)',
      changes: [{ field: 'percentage', old: '25', new: '0' }],
      reason: expect.stringMatching(
        /^guard: error_rate gate: direct_invocation error rate 20.00% \(8 of 40\) is not below 5% \(40 direct_invocation and 40 agent_tools results started /,
      ),
    });
  });

  it('holds on too few results: inconclusive, nothing changed', async () => {
    const { env, queues } = await rolloutAt25('few');
    await publish(queues, [...failingDirect(10, 10, now()), ...agents(10, now())]);
    const run = await runCli(['rollout', 'guard', '--once'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('inconclusive (10 direct_invocation, 10 agent_tools results; at 25%)');
    expect(await readStoredRollout(queues.redis, queues.prefix)).toEqual({ enabled: true, percentage: 25 });
    expect(await readAudit(queues.redis, queues.prefix, 10)).toHaveLength(1);
  });

  it('does not let results from before the last rollout change roll the new setting back', async () => {
    const { env, queues } = await rolloutAt25('stale');
    await publish(queues, [...failingDirect(40, 40, new Date(Date.now() - 60_000).toISOString()), ...agents(40, now())]);
    const run = await runCli(['rollout', 'guard', '--once', '--json'], env);
    expect(JSON.parse(run.stdout)).toMatchObject({
      evaluation: { outcome: 'inconclusive', results: { direct_invocation: 0, agent_tools: 40 } },
    });
    expect((await readStoredRollout(queues.redis, queues.prefix)).percentage).toBe(25);
  });

  it('leaves reports of malformed jobs out: they never roll back', async () => {
    const { env, queues } = await rolloutAt25('junk');
    const junk = Array.from({ length: 5 }, (_, i) =>
      failedReport({
        investigationId: `junk-${i}`,
        orchestratorType: 'direct_invocation',
        alarm: null,
        failure: { message: `MalformedJobError: job junk-${i} is not an investigation`, kind: 'malformed_job' },
      }),
    );
    await publish(queues, [...healthyRollout(30, 30).map((r) => ({ ...r, started_at: now() })), ...junk]);
    const run = await runCli(['rollout', 'guard', '--once'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('healthy (30 direct_invocation, 30 agent_tools results; at 25%)');
    expect(run.stdout).toContain('  5 reports of malformed jobs (never investigated) left out');
    expect(await readStoredRollout(queues.redis, queues.prefix)).toEqual({ enabled: true, percentage: 25 });
  });

  it('with enabled never stored, set says each worker decides it from its environment, and the guard still rolls back', async () => {
    const prefix = uniquePrefix('guard-unstored');
    prefixes.push(prefix);
    // This shell has direct orchestration off; the workers are assumed to have it on.
    const env = { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_OPERATOR: 'alice' };
    const set = await runCli(['rollout', 'set', '--percentage', '25'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(
      'every worker routes new investigations with it within 1 s, but enabled (PROMPTRCA_USE_DIRECT_ORCHESTRATION) is not stored: ' +
        "each worker uses its own environment for it (this shell's would give 0% to direct_invocation)",
    );
    expect(set.stdout).not.toContain(': 0% to direct_invocation');
    const queues = await openQueues(prefix);
    open.push(queues);
    await publish(queues, [...failingDirect(40, 8, now()), ...agents(40, now())]);
    const run = await runCli(['rollout', 'guard', '--once'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "ROLLED BACK: percentage 25 → 0 (40 direct_invocation, 40 agent_tools results; at a share each worker's environment decides (not all stored))",
    );
    expect(await readStoredRollout(queues.redis, queues.prefix)).toEqual({ percentage: 0 });

    const rollback = await runCli(['rollout', 'rollback'], env);
    expect(rollback.stdout).toContain('every worker routes new investigations with it within 1 s: 0% to direct_invocation');
  });

  it('fails safe when it cannot read its data: says so, exits 1, changes nothing', async () => {
    const { env, queues } = await rolloutAt25('unreadable');
    await publish(queues, [...failingDirect(40, 40, now()), ...agents(40, now())]);
    const redis = new Redis(REDIS_URL);
    await redis.hset(rolloutKey(queues.prefix), 'enabled', 'maybe');
    redis.disconnect();
    const garbage = await runCli(['rollout', 'guard', '--once'], env);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toContain(
      `unable to evaluate, the rollout is left unchanged: ${rolloutKey(queues.prefix)} enabled="maybe" is not valid`,
    );
    expect(await readAudit(queues.redis, queues.prefix, 10)).toHaveLength(1);

    const away = await runCli(['rollout', 'guard', '--once'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(away.code).toBe(1);
    expect(away.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
  });

  it('watching every second, rolls back once failures arrive, then stops on SIGTERM', async () => {
    const { env, queues } = await rolloutAt25('loop');
    const guard = spawnCli(['rollout', 'guard', '--interval', '1s', '--window', '5m'], env);
    try {
      await waitFor(
        () => guard.stdout().includes('inconclusive'),
        10_000,
        () => guard.stderr(),
      );
      await publish(queues, [...failingDirect(30, 30, now()), ...agents(30, now())]);
      await waitFor(
        () => guard.stdout().includes('ROLLED BACK: percentage 25 → 0'),
        10_000,
        () => guard.stdout() + guard.stderr(),
      );
      expect((await readStoredRollout(queues.redis, queues.prefix)).percentage).toBe(0);
    } finally {
      guard.child.kill('SIGTERM');
    }
    expect(await guard.exited).toBe(0);
  });
});
