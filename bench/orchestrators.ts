/**
 * Both orchestrators on every bundled scenario against llm-sim at a fixed latency per call:
 * tokens, wall time and LLM calls per investigation, then the ratios against the targets.
 *
 *   npm run bench:orchestrators -- [--latency-ms 500] [--latency-per-token-ms 0]
 */
import { parseArgs } from 'node:util';
import winston from 'winston';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { createOrchestrator } from '../src/orchestrators/create-orchestrator.js';
import { LlmClient } from '../src/orchestrators/llm/llm-client.js';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { loadConfig } from '../src/platform/config.js';
import type { OrchestratorType, Report } from '../src/report/report.js';
import { bundledScenarios, type Scenario } from './scenarios.js';

interface Run {
  report: Report;
  wallMs: number;
  /** What llm-sim counted for this investigation alone. */
  simTokens: number;
  simCalls: number;
}

const ORCHESTRATORS: OrchestratorType[] = ['direct_invocation', 'agent_tools'];
const silent = winston.createLogger({ silent: true });

async function investigate(type: OrchestratorType, scenario: Scenario, llm: LlmClient, sim: LlmSim): Promise<Run> {
  const aws = createAwsClients({ region: scenario.alarm.region ?? 'us-east-1', replay: scenario.recording });
  const orchestrator = createOrchestrator(type, aws, llm);
  const before = { ...sim.stats };
  const started = performance.now();
  const report = await runInvestigation(orchestrator, { investigationId: scenario.investigationId, alarm: scenario.alarm }, silent);
  return {
    report,
    wallMs: performance.now() - started,
    simTokens: sim.stats.total_tokens - before.total_tokens,
    simCalls: sim.stats.completions - before.completions,
  };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
}

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'latency-ms': { type: 'string', default: '500' }, 'latency-per-token-ms': { type: 'string', default: '0' } },
  });
  const latencyMs = Number(values['latency-ms']);
  const latencyPerTokenMs = Number(values['latency-per-token-ms']);
  const scenarios = bundledScenarios();
  const sim = await startLlmSim({ latencyMs, latencyPerTokenMs });
  const llm = new LlmClient({
    apiKey: 'llm-sim',
    baseURL: sim.url,
    model: loadConfig({}).PROMPTRCA_MODEL,
    timeoutMs: 60_000,
    maxRetries: 0,
  });
  const [first] = scenarios;
  if (!first) throw new Error('no scenarios in examples/');
  process.stdout.write(
    `llm-sim (a simulator, not a model) at ${latencyMs} ms per call + ${latencyPerTokenMs} ms per output token; ` +
      `${scenarios.length} scenarios, one at a time, after one discarded warm-up run per orchestrator\n\n`,
  );

  const runs = new Map<OrchestratorType, Run[]>();
  for (const type of ORCHESTRATORS) {
    await investigate(type, first, llm, sim);
    const results: Run[] = [];
    for (const scenario of scenarios) results.push(await investigate(type, scenario, llm, sim));
    runs.set(type, results);
  }

  process.stdout.write(
    `${row(['orchestrator', 'mean tokens', 'mean prompt', 'mean completion', 'mean wall s', 'mean LLM calls', 'expected root cause', 'failed'])}\n` +
      `${row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'])}\n`,
  );
  const summary = new Map<OrchestratorType, { tokens: number; wallMs: number }>();
  let mismatches = 0;
  for (const [type, results] of runs) {
    const usage = results.map((r) => r.report.usage);
    const tokens = mean(usage.map((u) => u.total_tokens));
    const wallMs = mean(results.map((r) => r.wallMs));
    summary.set(type, { tokens, wallMs });
    const correct = results.filter((r, i) => r.report.root_cause?.type === scenarios[i]?.expectedRootCause).length;
    mismatches += results.filter((r) => r.simTokens !== r.report.usage.total_tokens || r.simCalls !== r.report.usage.llm_calls).length;
    process.stdout.write(
      `${row([
        type,
        tokens.toFixed(0),
        mean(usage.map((u) => u.prompt_tokens)).toFixed(0),
        mean(usage.map((u) => u.completion_tokens)).toFixed(0),
        (wallMs / 1000).toFixed(2),
        mean(usage.map((u) => u.llm_calls)).toFixed(1),
        `${correct}/${results.length}`,
        results.filter((r) => r.report.status === 'failed').length,
      ])}\n`,
    );
  }

  const direct = summary.get('direct_invocation');
  const agent = summary.get('agent_tools');
  if (direct && agent) {
    const tokenShare = direct.tokens / agent.tokens;
    const speedup = agent.wallMs / direct.wallMs;
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    process.stdout.write(
      `\ndirect tokens = ${(tokenShare * 100).toFixed(1)}% of agent_tools' (target ≤ 20%: ${verdict(tokenShare <= 0.2)}); ` +
        `direct mean ${direct.tokens.toFixed(0)} tokens (target ≤ 4000: ${verdict(direct.tokens <= 4000)}); ` +
        `direct ${speedup.toFixed(1)}× faster (target ≥ 4×: ${verdict(speedup >= 4)})\n` +
        `report usage equals what llm-sim counted: ${mismatches === 0 ? 'yes, every run' : `NO, ${mismatches} runs differ`}\n`,
    );
  }
  await sim.close();
}

await main();
