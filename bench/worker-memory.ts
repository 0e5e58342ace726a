/**
 * Benchmark (not a test) of the worker's memory, for sizing: the resident set of `promptrca worker`
 * idle and while `--concurrency` investigations are in flight at once (direct_invocation with a model,
 * llm-sim holding each model call for BENCH_LLM_LATENCY_MS, AWS answered from the examples), at
 * concurrency 1 and at BENCH_CONCURRENCY in the same run; prints the RSS each in-flight investigation
 * adds and the ratio of the two peaks.
 * Run: npm run bench:worker-memory   (BENCH_CONCURRENCY, default 10; BENCH_LLM_LATENCY_MS, default 3000)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { enqueueInvestigation } from '../src/producer/enqueue.js';
import { investigationIdFor } from '../src/producer/investigation-id.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { connectQueues } from '../src/report/queues.js';
import { deleteKeysUnder } from './redis-keys.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const LLM_LATENCY_MS = Number(process.env.BENCH_LLM_LATENCY_MS ?? 3000);
const ROUNDS = 3;
const settings = { dedupeTtlSeconds: 3600, attempts: 1, backoffSeconds: 0 };

/** Resident set size of a running process now, in MiB (Linux). */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

async function startWorker(concurrency: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/src/cli.js', 'worker', '--concurrency', String(concurrency)], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"message":"worker started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it started`)));
  });
  child.stdout?.resume();
  return child;
}

interface Sample {
  idle: number;
  peak: number;
}

/** Idle RSS after start, then the highest RSS seen while `concurrency` investigations were in flight, over ROUNDS batches. */
async function measure(concurrency: number, baseEnv: NodeJS.ProcessEnv, alarmMessage: unknown): Promise<Sample> {
  const prefix = `bench-memory-${randomBytes(4).toString('hex')}`;
  const env = { ...baseEnv, PROMPTRCA_QUEUE_PREFIX: prefix };
  const queues = await connectQueues(env);
  const worker = await startWorker(concurrency, env);
  try {
    await sleep(2000);
    const idle = rssMiB(worker.pid ?? 0);
    let peak = 0;
    const base = parseAlarmMessage(alarmMessage).alarm;
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < concurrency; i++) {
        const alarm = { ...base, time: new Date(Date.UTC(2024, 0, 1) + (round * concurrency + i) * 1000).toISOString() };
        await enqueueInvestigation(
          queues.investigations,
          { investigationId: investigationIdFor(alarm), alarm },
          { source: 'bench', settings },
        );
      }
      const done = (round + 1) * concurrency;
      while ((await queues.results.getJobCountByTypes('waiting', 'completed')) < done) {
        if ((await queues.investigations.getActiveCount()) === concurrency) peak = Math.max(peak, rssMiB(worker.pid ?? 0));
        await sleep(100);
      }
    }
    return { idle, peak };
  } finally {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
    await deleteKeysUnder(queues.target, prefix);
    await queues.close();
  }
}

async function main(): Promise<void> {
  const sim = await startLlmSim({ latencyMs: LLM_LATENCY_MS });
  const env = {
    ...process.env,
    PROMPTRCA_FORCE_ORCHESTRATOR: 'direct',
    PROMPTRCA_AWS_REPLAY: 'examples',
    OPENAI_BASE_URL: sim.url,
    PROMPTRCA_MODEL: 'llm-sim',
    PROMPTRCA_METRICS_PORT: '0',
    NODE_NO_WARNINGS: '1',
  };
  const alarm = (JSON.parse(readFileSync('examples/node-out-of-memory-with-econnreset.json', 'utf8')) as { alarm: unknown }).alarm;
  try {
    const one = await measure(1, env, alarm);
    const many = await measure(CONCURRENCY, env, alarm);
    // The first investigation also loads the AWS SDK clients and the model client: the marginal figure leaves that out.
    const marginal = (many.peak - one.peak) / (CONCURRENCY - 1);
    const fixed = (value: number) => value.toFixed(1);
    console.log(`Node ${process.version}; llm-sim latency ${LLM_LATENCY_MS} ms; ${ROUNDS} batches of full concurrency each`);
    console.log(`concurrency 1: idle ${fixed(one.idle)} MiB, peak with 1 in flight ${fixed(one.peak)} MiB`);
    console.log(`concurrency ${CONCURRENCY}: idle ${fixed(many.idle)} MiB, peak with ${CONCURRENCY} in flight ${fixed(many.peak)} MiB`);
    console.log(
      `RSS per in-flight investigation beyond the first: ${fixed(marginal)} MiB; ` +
        `peak ratio ${CONCURRENCY}:1 = ${(many.peak / one.peak).toFixed(2)}`,
    );
  } finally {
    await sim.close();
  }
}

await main();
