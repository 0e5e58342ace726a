import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import type { Report } from '../src/report/report.js';
import { bucketFor } from '../src/rollout/assignment.js';
import { type ModelProxy, startModelProxy } from './support/model-proxy.js';
import {
  deleteKeys,
  distinctAlarms,
  enqueueAll,
  logLines,
  openQueues,
  runCli,
  startWorker,
  stopAll,
  uniquePrefix,
  waitFor,
  waitForReports,
} from './support/pipeline.js';

const settings = { dedupeTtlSeconds: 3600, attempts: 2, backoffSeconds: 1 };
/** Past the workers' one-second cache of the rollout. */
const CACHE_PASSED_MS = 1_200;

/**
 * A gate in front of the model: while closed, every chat completion waits, so investigations stay
 * in flight for as long as the test needs; llm-sim answers once it opens.
 */
class ModelGate {
  private opened: Promise<void> = Promise.resolve();
  private open: () => void = () => {};

  /** Lets a request through to the model once the gate is open. */
  readonly pass = async (): Promise<false> => {
    await this.opened;
    return false;
  };

  close(): void {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
    this.opened = Promise.resolve();
  }
}

let sim: LlmSim;
const gate = new ModelGate();
let gated: ModelProxy;
const prefixes: string[] = [];
const queuesOpen: PromptRcaQueues[] = [];

beforeAll(async () => {
  sim = await startLlmSim();
  gated = await startModelProxy(sim.url, gate.pass);
});

afterAll(async () => {
  gate.release();
  await gated.close();
  await sim.close();
  await Promise.all(queuesOpen.map((queues) => queues.close()));
  await Promise.all(prefixes.map(deleteKeys));
});

async function freshQueues(name: string): Promise<{ prefix: string; queues: PromptRcaQueues }> {
  const prefix = uniquePrefix(name);
  prefixes.push(prefix);
  const queues = await openQueues(prefix);
  queuesOpen.push(queues);
  return { prefix, queues };
}

const enqueue = (queues: PromptRcaQueues, alarms: unknown[]) => enqueueAll(queues, alarms, settings);

async function storedAssignment(queues: PromptRcaQueues, id: string): Promise<Record<string, unknown> | undefined> {
  return ((await queues.investigations.getJob(id))?.data as { assignment?: Record<string, unknown> } | undefined)?.assignment;
}

describe('live rollout across running worker processes', () => {
  it('splits new work ~25% after `rollout set` with no restart; after `rollout rollback` new work goes to agent_tools while in-flight work keeps its orchestrator', async () => {
    const { prefix, queues } = await freshQueues('live');
    const env = {
      PROMPTRCA_QUEUE_PREFIX: prefix,
      PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'false',
      OPENAI_BASE_URL: gated.url,
      PROMPTRCA_MODEL: 'llm-sim',
    };
    const workers = await Promise.all([startWorker(env, ['--concurrency', '8']), startWorker(env, ['--concurrency', '8'])]);
    try {
      const alarms = distinctAlarms(140, Date.UTC(2025, 5, 1));
      const before = await enqueue(queues, alarms.slice(0, 20));
      await waitForReports(queues, 20, 30_000);
      for (const id of before)
        expect(await storedAssignment(queues, id)).toMatchObject({ orchestrator_type: 'agent_tools', source: 'env' });

      const set = await runCli(['rollout', 'set', '--enabled', 'true', '--percentage', '25', '--reason', 'phase 2'], env);
      expect(set.code, set.stderr).toBe(0);
      await sleep(CACHE_PASSED_MS);
      const at25 = await enqueue(queues, alarms.slice(20, 120));
      const reports = new Map((await waitForReports(queues, 120, 45_000)).map((report: Report) => [report.investigation_id, report]));
      const direct = at25.filter((id) => reports.get(id)?.orchestrator_type === 'direct_invocation');
      expect(direct.length).toBeGreaterThanOrEqual(15);
      expect(direct.length).toBeLessThanOrEqual(35);
      for (const id of at25) {
        expect(reports.get(id)?.orchestrator_type).toBe(bucketFor(id) < 25 ? 'direct_invocation' : 'agent_tools');
        expect(await storedAssignment(queues, id)).toMatchObject({ source: 'redis', percentage: 25 });
      }
      expect(workers.map((worker) => worker.child.exitCode)).toEqual([null, null]);

      // Investigations that are direct at 25%, held in flight at the model.
      const directAt25 = alarms.slice(120).filter((alarm) => bucketFor(parseAlarmMessage(alarm).investigationId) < 25);
      expect(directAt25.length).toBeGreaterThanOrEqual(2);
      const [first, ...rest] = directAt25;
      gate.close();
      const [inFlight] = await enqueue(queues, [first]);
      await waitFor(
        async () => (await storedAssignment(queues, inFlight!)) !== undefined,
        10_000,
        () => 'the in-flight assignment',
      );

      const status = await runCli(['rollout', 'status', '--json'], env);
      expect(JSON.parse(status.stdout)).toMatchObject({
        effective: { percentage: { value: 25, source: 'redis' }, enabled: { value: true, source: 'redis' } },
        in_flight: { direct_invocation: 1 },
        last_assignments: { assignments: 121, by_source: { env: 20, redis: 101 } },
      });

      const rollback = await runCli(['rollout', 'rollback', '--reason', 'errors in direct'], env);
      expect(rollback.code, rollback.stderr).toBe(0);
      expect(rollback.stdout).toContain('in flight, finishing with their stored orchestrator: 1 direct_invocation, 0 agent_tools');
      await sleep(CACHE_PASSED_MS);
      const afterRollback = await enqueue(queues, rest);
      gate.release();
      const final = new Map(
        (await waitForReports(queues, 121 + rest.length, 30_000)).map((report: Report) => [report.investigation_id, report]),
      );
      expect(final.get(inFlight!)).toMatchObject({ orchestrator_type: 'direct_invocation', status: 'completed' });
      for (const id of afterRollback) {
        expect(final.get(id)?.orchestrator_type).toBe('agent_tools');
        expect(await storedAssignment(queues, id)).toMatchObject({ source: 'redis', percentage: 0 });
      }
      const changes = logLines(workers[0]!.stdout()).filter((line) => line.message === 'rollout in effect');
      expect(changes.map((line) => (line.direct_orchestration_percentage as { value: number }).value)).toEqual([100, 25, 0]);
    } finally {
      gate.release();
      await stopAll(workers);
    }
  }, 90_000);

  it('hands agent_tools work back (retried, then reported failed) in a model-less worker when a live change routes it there', async () => {
    const { prefix, queues } = await freshQueues('no-model');
    const env = {
      PROMPTRCA_QUEUE_PREFIX: prefix,
      PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true',
      PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '100',
    };
    const worker = await startWorker(env, ['--llm', 'none']);
    try {
      expect((await runCli(['rollout', 'rollback', '--reason', 'test'], env)).code).toBe(0);
      await sleep(CACHE_PASSED_MS);
      const [id] = await enqueue(queues, distinctAlarms(1, Date.UTC(2025, 6, 1)));
      const [report] = await waitForReports(queues, 1, 20_000);
      expect(report).toMatchObject({
        orchestrator_type: 'agent_tools',
        status: 'failed',
        error: expect.stringContaining('agent_tools cannot route without a model'),
      });
      // The failed report is published just before BullMQ records the last attempt on the job.
      await waitFor(
        async () => (await queues.investigations.getJob(id!))!.isFailed(),
        10_000,
        () => 'the job to be failed',
      );
      expect((await queues.investigations.getJob(id!))!.attemptsMade).toBe(settings.attempts);
      const lines = logLines(worker.stdout());
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: expect.stringContaining('routes 100% of new investigations to agent_tools, which this worker cannot run'),
        }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message: expect.stringMatching(/^attempt 1 of 2 failed with a transient error, retrying: agent_tools cannot route/),
          investigation_id: id,
          orchestrator_type: 'agent_tools',
        }),
      );
      expect(worker.child.exitCode).toBeNull();
    } finally {
      await stopAll([worker]);
    }
  }, 40_000);

  it('refuses to start a model-less worker whose environment is all direct when `rollout set` stored a split that reaches agent_tools, and starts it once the stored rollout is all direct', async () => {
    const { prefix } = await freshQueues('start-check');
    const env = { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true' };
    expect((await runCli(['rollout', 'set', '--enabled', 'true', '--percentage', '10', '--reason', 'phase 1'], env)).code).toBe(0);
    const refused = await runCli(['worker', '--llm', 'none'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'the rollout stored by `promptrca rollout set` (percentage 10) leaves 90% to agent_tools, which needs a model, but no LLM is configured (--llm none)',
    );
    expect(refused.stderr).toContain('`promptrca rollout set --enabled true --percentage 100`');
    expect(logLines(refused.stdout).filter((line) => line.level === 'error')).toEqual([]);

    expect((await runCli(['rollout', 'set', '--percentage', '100', '--reason', 'all direct'], env)).code).toBe(0);
    // The environment alone would send every investigation to agent_tools; the stored rollout wins.
    const worker = await startWorker({ ...env, PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'false' }, ['--llm', 'none']);
    await stopAll([worker]);
  }, 30_000);
});
