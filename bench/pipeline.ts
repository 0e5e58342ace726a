/**
 * Benchmark (not a test) of the whole pipeline on this machine's Redis: investigations per second
 * through `promptrca worker` (`--llm none`, direct_invocation, AWS answered from the bundled
 * scenarios' recordings) beside a bare BullMQ no-op worker on the same Redis in the same run, so
 * the ratio holds when the machine's speed drifts; p50/p99 enqueue→report latency at a steady
 * arrival rate; where the worker's time goes: its CPU per investigation, less what the AWS replay
 * alone costs (a process of its own sending the same recorded calls through the same SDK clients),
 * log lines and Redis commands per job (INFO commandstats deltas: on a Redis others use too, their
 * commands count as well); the worker's peak RSS, which fails the run above BENCH_MAX_RSS_MIB.
 * Run: npm run bench:pipeline   (BENCH_JOBS, default 2000; BENCH_CONCURRENCY, default 50;
 *      BENCH_MAX_RSS_MIB, default 240)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { AWS_SERVICES, createAwsClients } from '../src/orchestrators/aws/clients.js';
import { loadRecording } from '../src/orchestrators/aws/recording.js';
import { loadConfig } from '../src/platform/config.js';
import { connectRedis, describeRedisTarget, type RedisClient, redisTargetFrom } from '../src/platform/redis-connection.js';
import type { NormalizedAlarm } from '../src/producer/alarm.js';
import { readAlarmFile } from '../src/producer/alarm-input.js';
import { enqueueInvestigation } from '../src/producer/enqueue.js';
import { investigationIdFor } from '../src/producer/investigation-id.js';
import { INVESTIGATE_JOB } from '../src/producer/investigations-queue.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { connectQueues, type PromptRcaQueues } from '../src/report/queues.js';
import { RedisCommandCounter } from './redis-command-counter.js';
import { deleteKeysUnder } from './redis-keys.js';
import { loadScenario } from './scenarios.js';

const NOOP_QUEUE = 'bench-noop';
const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PACED_JOBS = Math.min(JOBS, 1000);
const MAX_RSS_MIB = Number(process.env.BENCH_MAX_RSS_MIB ?? 240);
/** The worker runs with the node options of the Docker image (its young generation's size), as deployed. */
const IMAGE_NODE_OPTIONS = /^ENV NODE_OPTIONS=(.+)$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1]?.split(' ') ?? [];
/** How often the benchmark asks Redis whether a drain is done: rarely enough to stay out of the command counts. */
const POLL_MS = 50;
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

/**
 * The replay alone: the recorded calls of the same jobs' scenarios sent through the same SDK clients
 * answering from the same recording, CONCURRENCY jobs at a time, with nothing else (no queue, no
 * rules, no logs). Prints its own CPU per job after a warm-up round.
 */
async function runReplayOnly(): Promise<void> {
  const replay = await loadRecording('examples');
  const scenarios = readdirSync('examples')
    .filter((file) => file.endsWith('.json'))
    .map((file) => loadScenario(join('examples', file)));
  const clientsByRegion = new Map<string, Record<string, { send(command: unknown): Promise<unknown> }>>();
  const clientsFor = (region: string) => {
    let clients = clientsByRegion.get(region);
    if (!clients) {
      clients = createAwsClients({ region, replay }) as unknown as Record<string, { send(command: unknown): Promise<unknown> }>;
      clientsByRegion.set(region, clients);
    }
    return clients;
  };
  const keyOf = new Map(Object.entries(AWS_SERVICES).map(([key, service]) => [service.name, { key, packageName: service.packageName }]));
  const replayJob = async (index: number) => {
    const scenario = scenarios[index % scenarios.length]!;
    const clients = clientsFor(scenario.alarm.region ?? 'us-east-1');
    for (const call of scenario.recording.calls) {
      const service = keyOf.get(call.service)!;
      const sdk = (await import(service.packageName)) as Record<string, unknown>;
      const Command = sdk[`${call.command}Command`] as new (input: object) => unknown;
      // A recorded error is the answer too.
      await clients[service.key]!.send(new Command(call.input)).catch(() => null);
    }
  };
  const run = async (jobs: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < jobs) await replayJob(next++);
      }),
    );
  };
  await run(Math.min(JOBS, 200));
  const before = process.cpuUsage();
  await run(JOBS);
  const used = process.cpuUsage(before);
  process.stdout.write(`${JSON.stringify({ cpuMsPerJob: (used.user + used.system) / 1000 / JOBS })}\n`);
}

/** User plus system CPU a process has used so far, in ms (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Calls per command since the server started (INFO commandstats). */
async function commandCalls(redis: RedisClient): Promise<Map<string, number>> {
  const text = (await (redis as { info(section: string): Promise<string> }).info('commandstats')) as string;
  return new Map([...text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((match) => [match[1]!, Number(match[2])]));
}

/** What a drain cost in Redis: commands per job (the benchmark's own polls left out), the largest first. */
function commandsPerJob(before: Map<string, number>, after: Map<string, number>, jobs: number, polls: number) {
  const delta = [...after].map(([command, calls]) => [command, calls - (before.get(command) ?? 0)] as const).filter(([, n]) => n > 0);
  // Each poll is one call of BullMQ's getCounts script (evalsha).
  const own = new Map([['evalsha', polls]]);
  const perJob = delta
    .map(([command, calls]) => [command, Math.max(0, calls - (own.get(command) ?? 0)) / jobs] as const)
    .sort((a, b) => b[1] - a[1]);
  return { total: perJob.reduce((sum, [, n]) => sum + n, 0), top: perJob.filter(([, n]) => n >= 0.5) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

interface Spawned {
  child: ChildProcess;
  /** Lines it wrote on stdout so far. */
  lines(): number;
}

async function spawnReady(args: string[], env: NodeJS.ProcessEnv): Promise<Spawned> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let lines = 0;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines += 1;
      if (out.length < 100_000) out += chunk.toString();
      if (out.includes('"message":"worker started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
  });
  return { child, lines: () => lines };
}

/** The replay-only process's CPU per job. */
async function replayOnlyCpuMsPerJob(env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [process.argv[1]!, '--replay-only'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the replay-only run exited with ${code}`);
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { cpuMsPerJob: number }).cpuMsPerJob;
}

/** Peak resident set size of a running process, in MiB (Linux). */
function peakRssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

async function stop({ child }: Spawned): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Waits for the count to reach the target; answers how many times it asked. */
async function waitUntil(count: () => Promise<number>, target: number): Promise<number> {
  let polls = 1;
  while ((await count()) < target) {
    await sleep(POLL_MS);
    polls += 1;
  }
  return polls;
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
  // The workers reach Redis through the relay, which counts what they send; the benchmark does not.
  const config = loadConfig(env);
  const counter = config.PROMPTRCA_REDIS_MODE === 'standalone' ? await RedisCommandCounter.start(config.REDIS_URL) : null;
  try {
    await measure(prefix, { ...env, ...(counter ? { REDIS_URL: counter.url } : {}) }, queues, counter);
  } finally {
    await counter?.close();
    await deleteKeysUnder(queues.target, prefix);
    await queues.close();
  }
}

async function measure(
  prefix: string,
  env: NodeJS.ProcessEnv,
  queues: PromptRcaQueues,
  counter: RedisCommandCounter | null,
): Promise<void> {
  const sent = () => counter?.snapshot() ?? new Map<string, number>();
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
  let commandsBefore = await commandCalls(queues.redis);
  let sentBefore = sent();
  let started = performance.now();
  await noop.resume();
  let polls = await waitUntil(() => noop.getCompletedCount(), JOBS);
  const noopPerSecond = JOBS / ((performance.now() - started) / 1000);
  const noopCommands = commandsPerJob(commandsBefore, await commandCalls(queues.redis), JOBS, polls);
  const noopSent = commandsPerJob(sentBefore, sent(), JOBS, 0);
  await stop(noopWorker);

  // 2. The pipeline: the same fill and drain through `promptrca worker` and the results queue.
  const worker = await spawnReady(
    [...IMAGE_NODE_OPTIONS, 'dist/src/cli.js', 'worker', '--concurrency', String(CONCURRENCY), '--llm', 'none'],
    {
      ...env,
      PROMPTRCA_FORCE_ORCHESTRATOR: 'direct',
      PROMPTRCA_AWS_REPLAY: recordingPath,
      LOG_LEVEL: 'info',
    },
  );
  await queues.investigations.pause();
  for (let i = 0; i < JOBS; i++) await enqueueInvestigation(queues.investigations, alarm(i), { source: 'bench', settings });
  const reports = () => queues.results.getJobCountByTypes('waiting');
  const workerPid = worker.child.pid!;
  commandsBefore = await commandCalls(queues.redis);
  sentBefore = sent();
  const cpuBefore = cpuMs(workerPid);
  const linesBefore = worker.lines();
  started = performance.now();
  await queues.investigations.resume();
  polls = await waitUntil(reports, JOBS);
  const pipelinePerSecond = JOBS / ((performance.now() - started) / 1000);
  // The job completes just after its report is published: count its last commands too.
  polls += await waitUntil(() => queues.investigations.getCompletedCount(), JOBS);
  const workerCpuMsPerJob = (cpuMs(workerPid) - cpuBefore) / JOBS;
  const linesPerJob = (worker.lines() - linesBefore) / JOBS;
  const pipelineCommands = commandsPerJob(commandsBefore, await commandCalls(queues.redis), JOBS, polls);
  const pipelineSent = commandsPerJob(sentBefore, sent(), JOBS, 0);

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
  const rss = peakRssMiB(workerPid);
  await stop(worker);

  await noop.close();
  const replayCpuMsPerJob = await replayOnlyCpuMsPerJob(env);

  const round = (n: number) => Math.round(n);
  console.log(
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version} (worker: ${IMAGE_NODE_OPTIONS.join(' ') || 'no node options'}), Redis ${describeRedisTarget(queues.target)}`,
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
  console.log(
    `worker CPU per investigation: ${workerCpuMsPerJob.toFixed(2)} ms; the AWS replay alone: ${replayCpuMsPerJob.toFixed(2)} ms; ` +
      `the worker's own: ${(workerCpuMsPerJob - replayCpuMsPerJob).toFixed(2)} ms`,
  );
  console.log(`worker log lines per investigation: ${linesPerJob.toFixed(1)}`);
  const top = (commands: ReturnType<typeof commandsPerJob>) =>
    commands.top.map(([command, perJob]) => `${command} ${perJob.toFixed(1)}`).join(', ');
  console.log(
    counter
      ? `Redis commands the worker sends per investigation: ${pipelineSent.total.toFixed(1)} (${top(pipelineSent)}); per no-op job: ${noopSent.total.toFixed(1)} (${top(noopSent)})`
      : 'Redis commands the worker sends: not counted (only a standalone redis:// URL can be relayed)',
  );
  console.log(
    `Redis commands run per investigation, scripts' own included (INFO commandstats): ${pipelineCommands.total.toFixed(1)} (${top(pipelineCommands)}); per no-op job: ${noopCommands.total.toFixed(1)}`,
  );
  console.log(`worker peak RSS: ${rss.toFixed(0)} MiB (at most ${MAX_RSS_MIB} MiB)`);
  if (rss > MAX_RSS_MIB) {
    console.error(`worker peak RSS ${rss.toFixed(0)} MiB is above ${MAX_RSS_MIB} MiB`);
    process.exitCode = 1;
  }
}

if (process.argv.includes('--noop-worker')) await runNoopWorker();
else if (process.argv.includes('--replay-only')) await runReplayOnly();
else await main();
