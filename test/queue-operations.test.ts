import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import { ReportSchema } from '../src/report/report.js';
import {
  deleteKeys,
  distinctAlarms,
  openQueues,
  runCli,
  type SpawnedProcess,
  spawnCli,
  startWorker,
  uniquePrefix,
  waitFor,
} from './support/pipeline.js';

const prefix = uniquePrefix('queue-ops');
const dir = mkdtempSync(join(tmpdir(), 'promptrca-queue-ops-'));
const env = { PROMPTRCA_QUEUE_PREFIX: prefix };
let sim: LlmSim;
let queues: PromptRcaQueues;

function jsonLines(path: string, messages: unknown[]): string {
  writeFileSync(join(dir, path), `${messages.map((message) => JSON.stringify(message)).join('\n')}\n`);
  return join(dir, path);
}

beforeAll(async () => {
  sim = await startLlmSim({ latencyMs: 800 });
  queues = await openQueues(prefix);
});

afterAll(async () => {
  await queues.close();
  await sim.close();
  await deleteKeys(prefix);
});

describe('promptrca enqueue', () => {
  it('says which alarms are new, which duplicates and which skipped', async () => {
    const [a, b] = distinctAlarms(2, Date.UTC(2021, 0, 1)) as Array<{ detail: { state: { value: string } } }>;
    const ok = structuredClone(b!);
    ok.detail.state.value = 'OK';
    const file = jsonLines('mixed.jsonl', [a, b, a, ok]);
    const idA = parseAlarmMessage(a).investigationId;
    const idB = parseAlarmMessage(b).investigationId;

    const result = await runCli(['enqueue', '--alarm', file], env);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `new       ${idA}  orders-api-errors`,
      `new       ${idB}  orders-api-errors`,
      `duplicate ${idA}  orders-api-errors  (already enqueued within the last 24 h: not investigated again)`,
      expect.stringMatching(/^skipped {3}inv-\w+ {2}orders-api-errors {2}\(alarm "orders-api-errors" transitioned to OK; /),
      '4 alarms: 2 new, 1 duplicate, 1 skipped',
      '',
    ]);
    await queues.investigations.obliterate({ force: true });
  });

  it('enqueues nothing when one line is bad, naming the line (exit 2)', async () => {
    const [good] = distinctAlarms(1, Date.UTC(2021, 1, 1));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify(good)}\n{"hello": "world"}\n`);
    const result = await runCli(['enqueue', '--alarm', file], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`nothing enqueued: 1 of 2 alarms are not valid:\n  ${file} line 2: input is not a CloudWatch alarm`);
    expect(await queues.investigations.count()).toBe(0);
  });

  it('fails within seconds, naming Redis, when Redis does not answer (exit 1)', async () => {
    const file = jsonLines('one.jsonl', distinctAlarms(1, Date.UTC(2021, 2, 1)));
    const started = Date.now();
    const result = await runCli(['enqueue', '--alarm', file], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^promptrca: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/? \(connect ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('operating the queue under load', () => {
  const alarms = distinctAlarms(30, Date.UTC(2021, 3, 1));
  const ids = alarms.map((alarm) => parseAlarmMessage(alarm).investigationId);
  const workers: SpawnedProcess[] = [];

  beforeAll(async () => {
    const workerEnv = { ...env, PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true', OPENAI_BASE_URL: sim.url };
    workers.push(...(await Promise.all([startWorker(workerEnv, ['--concurrency', '3']), startWorker(workerEnv, ['--concurrency', '3'])])));
    const enqueued = await runCli(['enqueue', '--alarm', jsonLines('load.jsonl', alarms)], env);
    expect(enqueued.stdout).toContain('30 alarms: 30 new, 0 duplicate, 0 skipped');
  }, 30_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
  });

  it('drain pauses every replica, waits for nothing in flight, deletes nothing; resume carries on', async () => {
    await waitFor(
      async () => (await queues.investigations.getActiveCount()) > 0,
      10_000,
      () => 'work in flight',
    );
    const drained = await runCli(['queue', 'drain'], env);
    expect(drained.code).toBe(0);
    expect(drained.stdout).toMatch(/^paused: no worker takes a new investigation/);
    expect(drained.stdout).toMatch(/drained: nothing in flight; kept \d+ waiting and 0 delayed \(nothing deleted\)/);

    const { waiting = 0, active = 0, completed = 0 } = await queues.investigations.getJobCounts('waiting', 'active', 'completed');
    const counts = { waiting, active, completed };
    expect(counts.active).toBe(0);
    expect(counts.waiting).toBeGreaterThan(0);
    expect(counts.waiting + counts.completed).toBe(ids.length);
    await sleep(1_500);
    expect(await queues.investigations.getCompletedCount()).toBe(counts.completed);

    const status = await runCli(['queue', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      paused: true,
      workers: 2,
      counts: { waiting: counts.waiting, active: 0, completed: counts.completed },
      oldest_waiting_seconds: expect.any(Number),
      reports: counts.completed,
    });
    expect((await runCli(['queue', 'status'], env)).stdout).toContain('PAUSED (workers take no new jobs)');

    const follower = spawnCli(['results', '--follow', '--last', '0'], env);
    await waitFor(
      () => follower.stderr().includes('following promptrca-results'),
      10_000,
      () => 'the follower to start',
    );
    expect((await runCli(['queue', 'resume'], env)).code).toBe(0);
    await waitFor(
      () => follower.stdout().split('\n').length > counts.waiting,
      30_000,
      () => `${counts.waiting} followed reports`,
    );
    follower.child.kill('SIGINT');
    expect(await follower.exited).toBe(0);
    const followed = follower.stdout().trim().split('\n');
    expect(followed).toHaveLength(counts.waiting);
    for (const line of followed) expect(line).toMatch(/ \[direct_invocation\] inv-\w+ completed timeout 0\.\d\d /);

    // A report is published just before its job is marked completed.
    await waitFor(
      async () => (await queues.investigations.getCompletedCount()) === ids.length,
      5_000,
      () => 'all completed',
    );
    const results = await runCli(['results', '--last', '100'], env);
    const lines = results.stdout.trim().split('\n');
    expect(lines).toHaveLength(ids.length);
    expect(new Set(lines.map((line) => line.split(' ')[2]))).toEqual(new Set(ids));
    const json = await runCli(['results', '--json', '--last', '3'], env);
    const reports = json.stdout
      .trim()
      .split('\n')
      .map((line) => ReportSchema.parse(JSON.parse(line)));
    expect(reports).toHaveLength(3);
  }, 60_000);
});
