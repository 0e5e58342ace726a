import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect } from 'vitest';
import { deleteKeysUnder } from '../../bench/redis-keys.js';
import { type LlmSim, startLlmSim } from '../../src/orchestrators/llm-sim/llm-sim-server.js';
import { enqueueAlarm } from '../../src/producer/enqueue.js';
import type { EnqueueSettings } from '../../src/producer/enqueue-settings.js';
import { connectQueues, type PromptRcaQueues } from '../../src/report/queues.js';
import type { Report } from '../../src/report/report.js';

export const CLI = 'dist/src/cli.js';
export const SCENARIO = 'examples/lambda-timeout.json';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own per test file, so files run in parallel without sharing queues. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${randomBytes(4).toString('hex')}`;
}

export async function openQueues(prefix: string): Promise<PromptRcaQueues> {
  return connectQueues({ REDIS_URL, PROMPTRCA_QUEUE_PREFIX: prefix });
}

export async function deleteKeys(prefix: string): Promise<void> {
  await deleteKeysUnder(REDIS_URL, prefix);
}

/**
 * For a test file: llm-sim (answering after `latencyMs`) and the queues under `prefix`, opened
 * before its tests and closed after them, the prefix's keys deleted. Read both inside tests.
 */
export function useSimAndQueues(prefix: string, latencyMs: number): { readonly sim: LlmSim; readonly queues: PromptRcaQueues } {
  let sim: LlmSim;
  let queues: PromptRcaQueues;
  beforeAll(async () => {
    sim = await startLlmSim({ latencyMs });
    queues = await openQueues(prefix);
  });
  afterAll(async () => {
    await queues.close();
    await sim.close();
    await deleteKeys(prefix);
  });
  return {
    get sim() {
      return sim;
    },
    get queues() {
      return queues;
    },
  };
}

export interface WorkerRun {
  prefix: string;
  queues: PromptRcaQueues;
  workers: SpawnedProcess[];
}

export interface WorkerRuns {
  readonly sim: LlmSim;
  /**
   * On fresh queues, starts `replicas` worker processes with `env` and `args`, hands them to
   * `during`, then stops them with SIGTERM (each must exit 0). The queues stay open for the caller
   * unless `during` throws.
   */
  run<T>(
    name: string,
    replicas: number,
    worker: { env: NodeJS.ProcessEnv; args: string[] },
    during: (run: WorkerRun) => Promise<T>,
  ): Promise<T>;
}

/** For a test file whose runs each get fresh queues: llm-sim for them all; after its tests, every run's keys deleted. */
export function useWorkerRuns(): WorkerRuns {
  let sim: LlmSim;
  const prefixes: string[] = [];
  beforeAll(async () => {
    sim = await startLlmSim();
  });
  afterAll(async () => {
    await sim.close();
    await Promise.all(prefixes.map(deleteKeys));
  });
  return {
    get sim() {
      return sim;
    },
    async run(name, replicas, worker, during) {
      const prefix = uniquePrefix(name);
      prefixes.push(prefix);
      const queues = await openQueues(prefix);
      const env = { PROMPTRCA_QUEUE_PREFIX: prefix, ...worker.env };
      const workers: SpawnedProcess[] = [];
      try {
        workers.push(...(await Promise.all(Array.from({ length: replicas }, () => startWorker(env, worker.args)))));
        return await during({ prefix, queues, workers });
      } catch (error) {
        await queues.close();
        throw error;
      } finally {
        await stopAll(workers);
      }
    },
  };
}

/** Stops every worker with SIGTERM; each must exit 0. */
export async function stopAll(workers: SpawnedProcess[]): Promise<void> {
  for (const worker of workers) worker.child.kill('SIGTERM');
  expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual(workers.map(() => 0));
}

/** Enqueues the alarms one after the other, as the producer would; their investigation IDs in order. */
export async function enqueueAll(queues: PromptRcaQueues, alarms: unknown[], settings: EnqueueSettings): Promise<string[]> {
  const ids: string[] = [];
  for (const alarm of alarms) ids.push((await enqueueAlarm(queues.investigations, alarm, { source: 'test', settings })).investigationId);
  return ids;
}

/**
 * The bundled lambda-timeout alarm, `count` times, each a distinct transition (its own
 * state-change time), so each has its own investigation ID.
 */
export function distinctAlarms(count: number, start = Date.UTC(2024, 2, 12, 10, 20)): unknown[] {
  const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8')) as { alarm: { time: string; detail: { state: { timestamp: string } } } };
  return Array.from({ length: count }, (_, index) => {
    const alarm = structuredClone(scenario.alarm);
    const time = new Date(start + index * 60_000).toISOString();
    alarm.time = time;
    alarm.detail.state.timestamp = time;
    return alarm;
  });
}

export interface SpawnedProcess {
  child: ChildProcess;
  /** Everything written so far, stdout and stderr apart. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number when killed). */
  exited: Promise<number>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function spawnCli(args: string[], env: NodeJS.ProcessEnv): SpawnedProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    // Any free metrics port, so that workers (and bridges) of test files running in parallel never clash.
    env: {
      PATH: process.env.PATH,
      REDIS_URL,
      NODE_NO_WARNINGS: '1',
      PROMPTRCA_METRICS_PORT: '0',
      PROMPTRCA_METRICS_HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0))),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const spawned = spawnCli(args, env);
  const code = await spawned.exited;
  return { code, stdout: spawned.stdout(), stderr: spawned.stderr() };
}

/** JSON log lines a worker wrote to stdout. */
export function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A long-running `promptrca <command>`; resolves once it logged `<command> started`. */
export async function startLongRunning(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<SpawnedProcess> {
  const spawned = spawnCli([command, ...args], env);
  await waitFor(
    () => spawned.stdout().includes(`"message":"${command} started"`),
    30_000,
    () => `${command} did not start:\n${spawned.stdout()}\n${spawned.stderr()}`,
    spawned.exited,
  );
  return spawned;
}

/** A `promptrca worker` process; resolves once it logged that it takes jobs. */
export async function startWorker(env: NodeJS.ProcessEnv, args: string[] = []): Promise<SpawnedProcess> {
  return startLongRunning('worker', args, { AWS_REGION: 'us-east-1', PROMPTRCA_AWS_REPLAY: SCENARIO, ...env });
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => 'condition',
  abandonWhen?: Promise<unknown>,
): Promise<void> {
  let abandoned = false;
  void abandonWhen?.then(() => (abandoned = true));
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (abandoned || Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await sleep(50);
  }
}

export async function reportsOn(queues: PromptRcaQueues): Promise<Report[]> {
  const jobs = await queues.results.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
  return jobs.map((job) => job.data as Report);
}

export async function waitForReports(queues: PromptRcaQueues, count: number, timeoutMs: number): Promise<Report[]> {
  await waitFor(
    async () => (await queues.results.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed')) >= count,
    timeoutMs,
    () => `${count} reports`,
  );
  return reportsOn(queues);
}
