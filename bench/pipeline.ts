/**
 * Benchmark (not a test) of the whole pipeline on this machine's Redis: investigations per second
 * through `promptrca worker` (`--llm none`, direct_invocation, AWS answered from the bundled
 * scenarios' recordings) beside a bare BullMQ no-op worker on the same Redis in the same run, so
 * the ratio holds when the machine's speed drifts; p50/p99 enqueue→report latency at a steady
 * arrival rate; the worker's peak RSS.
 * Run: npm run bench:pipeline   (BENCH_JOBS, default 2000; BENCH_CONCURRENCY, default 50)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { loadConfig } from '../src/platform/config.js';
import { connectRedis, describeRedisTarget, redisTargetFrom } from '../src/platform/redis-connection.js';
import type { NormalizedAlarm } from '../src/producer/alarm.js';
import { readAlarmFile } from '../src/producer/alarm-input.js';
import { enqueueInvestigation } from '../src/producer/enqueue.js';
import { investigationIdFor } from '../src/producer/investigation-id.js';
import { INVESTIGATE_JOB } from '../src/producer/investigations-queue.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { connectQueues, type PromptRcaQueues } from '../src/report/queues.js';
import { deleteKeysUnder } from './redis-keys.js';

const NOOP_QUEUE = 'bench-noop';
const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PACED_JOBS = Math.min(JOBS, 1000);
const settings = { dedupeTtlSeconds: 3600, attempts: 1, backoffSeconds: 0 };

/** The baseline: BullMQ with nothing to do, in a process of its own like the real worker. */
async function runNoopWorker(): Promise<void> {
  const redis = await connectRedis(redisTargetFrom(loadConfig(process.env)), 'worker');
  const worker = new Worker(NOOP_QUEUE, async () => null, {
    connection: redis,
    prefix: process.env.PROMPTRCA_QUEUE_PREFIX,
    concurrency: CONCURRENCY,
  });
  await worker.waitUntilReady();
  process.stdout.write('"message":"worker started"\n');
  process.once('SIGTERM', () => void worker.close().then(() => redis.disconnect()));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function spawnReady(args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"message":"worker started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
  });
  child.stdout!.resume();
  return child;
}

/** Peak resident set size of a running process, in MiB (Linux). */
function peakRssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function waitUntil(count: () => Promise<number>, target: number): Promise<void> {
  while ((await count()) < target) await sleep(10);
}

/** Alarms of every bundled scenario in turn, each a distinct transition; the examples folder, replayed whole, answers them all. */
function workload(): { recordingPath: string; alarm: (index: number) => { investigationId: string; alarm: NormalizedAlarm } } {
  const scenarios = readdirSync('examples')
    .filter((file) => file.endsWith('.json'))
    .map((file) => readAlarmFile(join('examples', file)));
  const recordingPath = 'examples';
  const alarms = scenarios.map((scenario) => parseAlarmMessage(scenario.message).alarm);
  const start = Date.parse('2024-01-01T00:00:00Z');
  return {
    recordingPath,
    alarm(index) {
      const alarm = { ...alarms[index % alarms.length]!, time: new Date(start + index * 1000).toISOString() };
      return { investigationId: investigationIdFor(alarm), alarm };
    },
  };
}

async function main(): Promise<void> {
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  // Port 0: the worker's /metrics must not collide with anything already on 9464.
  const env = { ...process.env, PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_METRICS_PORT: '0', NODE_NO_WARNINGS: '1' };
  const queues = await connectQueues(env);
  try {
    await measure(prefix, env, queues);
  } finally {
    await deleteKeysUnder(queues.target, prefix);
    await queues.close();
  }
}

async function measure(prefix: string, env: NodeJS.ProcessEnv, queues: PromptRcaQueues): Promise<void> {
  const { recordingPath, alarm } = workload();
  const jobData = (index: number) => {
    const { investigationId, alarm: normalized } = alarm(index);
    return { investigation_id: investigationId, alarm: normalized, received_at: new Date().toISOString(), source: 'bench' };
  };

  // 1. Bare BullMQ: fill the queue while paused, then time the drain.
  const noop = new Queue(NOOP_QUEUE, { connection: queues.redis, prefix });
  const noopWorker = await spawnReady([process.argv[1]!, '--noop-worker'], env);
  await noop.pause();
  await noop.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: INVESTIGATE_JOB, data: jobData(i), opts: { jobId: `noop-${i}` } })));
  let started = performance.now();
  await noop.resume();
  await waitUntil(() => noop.getCompletedCount(), JOBS);
  const noopPerSecond = JOBS / ((performance.now() - started) / 1000);
  await stop(noopWorker);

  // 2. The pipeline: the same fill and drain through `promptrca worker` and the results queue.
  const worker = await spawnReady(['dist/src/cli.js', 'worker', '--concurrency', String(CONCURRENCY), '--llm', 'none'], {
    ...env,
    PROMPTRCA_FORCE_ORCHESTRATOR: 'direct',
    PROMPTRCA_AWS_REPLAY: recordingPath,
    LOG_LEVEL: 'info',
  });
  await queues.investigations.pause();
  for (let i = 0; i < JOBS; i++) await enqueueInvestigation(queues.investigations, alarm(i), { source: 'bench', settings });
  const reports = () => queues.results.getJobCountByTypes('waiting');
  started = performance.now();
  await queues.investigations.resume();
  await waitUntil(reports, JOBS);
  const pipelinePerSecond = JOBS / ((performance.now() - started) / 1000);

  // 3. Latency at a steady arrival rate of half the measured throughput.
  const interval = 1000 / (pipelinePerSecond / 2);
  const enqueuedAt = new Map<string, number>();
  const pacedStart = performance.now();
  for (let i = 0; i < PACED_JOBS; i++) {
    const target = alarm(JOBS + i);
    await sleep(Math.max(0, pacedStart + i * interval - performance.now()));
    enqueuedAt.set(target.investigationId, Date.now());
    await enqueueInvestigation(queues.investigations, target, { source: 'bench', settings });
  }
  await waitUntil(reports, JOBS + PACED_JOBS);
  const latencies: number[] = [];
  for (const job of await queues.results.getJobs(['waiting'])) {
    const sent = job.id ? enqueuedAt.get(job.id) : undefined;
    if (sent !== undefined) latencies.push(job.timestamp - sent);
  }
  const rss = peakRssMiB(worker.pid!);
  await stop(worker);

  await noop.close();

  const round = (n: number) => Math.round(n);
  console.log(
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, Redis ${describeRedisTarget(queues.target)}`,
  );
  console.log(
    `jobs: ${JOBS} per throughput run, ${PACED_JOBS} paced; worker concurrency ${CONCURRENCY}; --llm none, direct_invocation, bundled recordings`,
  );
  console.log(`bare BullMQ no-op worker: ${round(noopPerSecond)} jobs/s`);
  console.log(
    `promptrca pipeline:       ${round(pipelinePerSecond)} investigations/s (enqueue → worker → report on ${'promptrca-results'})`,
  );
  console.log(`ratio pipeline / no-op:   ${(pipelinePerSecond / noopPerSecond).toFixed(2)}`);
  console.log(
    `enqueue → report latency at ${round(pipelinePerSecond / 2)}/s: p50 ${round(percentile(latencies, 50))} ms, p99 ${round(percentile(latencies, 99))} ms (${latencies.length} samples)`,
  );
  console.log(`worker peak RSS: ${rss.toFixed(0)} MiB`);
}

if (process.argv.includes('--noop-worker')) await runNoopWorker();
else await main();
