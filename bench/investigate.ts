/**
 * Benchmark (not a test): the median time of one `--llm none` direct investigation, in-process, over
 * the bundled scenarios, and the cost of log signal extraction per 10,000 lines beside a bare pass
 * over the same lines, so the ratio holds when the machine's speed drifts.
 * Run: npm run bench:investigate
 */
import winston from 'winston';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { DirectInvocationOrchestrator } from '../src/orchestrators/direct-invocation.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import type { LogLine } from '../src/orchestrators/specialists/lambda/evidence.js';
import { scanLogs } from '../src/orchestrators/specialists/lambda/signals/scan-logs.js';
import { bundledScenarios, type Scenario } from './scenarios.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const silent = winston.createLogger({ silent: true });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

const scenarios = bundledScenarios();

async function investigateOnce(scenario: Scenario): Promise<number> {
  const aws = createAwsClients({ region: scenario.alarm.region ?? 'us-east-1', replay: scenario.recording });
  const started = performance.now();
  await runInvestigation(
    new DirectInvocationOrchestrator(aws, null),
    { investigationId: scenario.investigationId, alarm: scenario.alarm },
    silent,
  );
  return performance.now() - started;
}

for (const scenario of scenarios) await investigateOnce(scenario);
const timings: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const scenario of scenarios) timings.push(await investigateOnce(scenario));
}

const recorded: LogLine[] = scenarios.flatMap((s) =>
  s.recording.calls
    .filter((c) => c.command === 'FilterLogEvents')
    .flatMap((c) =>
      ((c.output as { events?: LogLine[] } | null)?.events ?? []).map((e) => ({ timestamp: e.timestamp, message: e.message })),
    ),
);
const lines: LogLine[] = Array.from({ length: 10_000 }, (_, i) => recorded[i % recorded.length]!);

function timeIt(run: () => void, repeats: number): number {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

let sink = 0;
const bare = () => {
  for (const line of lines) if (line.message.includes('ERROR')) sink++;
};
const scan = () => {
  sink += scanLogs(lines).signals.length;
};
timeIt(scan, 5);
const scanMs = timeIt(scan, 30);
const bareMs = timeIt(bare, 30);

console.log(`scenarios: ${scenarios.length}, investigations timed: ${timings.length} (${ROUNDS} rounds)`);
console.log(
  `direct --llm none investigation, in-process: median ${median(timings).toFixed(2)} ms, p95 ${percentile(timings, 95).toFixed(2)} ms`,
);
console.log(
  `signal extraction: ${scanMs.toFixed(2)} ms per 10,000 log lines (median of 30; ${recorded.length} distinct recorded lines cycled)`,
);
console.log(
  `bare pass (one includes() per line): ${bareMs.toFixed(3)} ms per 10,000 lines; scan/bare ratio ${(scanMs / bareMs).toFixed(1)}x`,
);
if (sink < 0) console.log(sink);
