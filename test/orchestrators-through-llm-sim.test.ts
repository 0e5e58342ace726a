import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { bundledScenarios, type Scenario } from '../bench/scenarios.js';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { createOrchestrator } from '../src/orchestrators/create-orchestrator.js';
import { LlmClient } from '../src/orchestrators/llm/llm-client.js';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { specialistFor } from '../src/orchestrators/specialists/registry.js';
import { type OrchestratorType, ReportSchema } from '../src/report/report.js';
import { runCli } from './support/run-cli.js';

const silent = winston.createLogger({ silent: true });
const aws = createAwsClients({ region: 'us-east-1', replay: { calls: [] } });
const window = { startTime: 0, endTime: 1 };
const scenarios = bundledScenarios();
let sim: LlmSim;
let llm: LlmClient;
beforeAll(async () => {
  sim = await startLlmSim();
  llm = new LlmClient({ apiKey: 'sim', baseURL: sim.url, model: 'gpt-4o-mini', timeoutMs: 10_000, maxRetries: 0 });
});
afterAll(async () => sim.close());

async function investigate(type: OrchestratorType, scenario: Scenario) {
  const aws = createAwsClients({ region: scenario.alarm.region ?? 'us-east-1', replay: scenario.recording });
  const before = { ...sim.stats };
  const report = await runInvestigation(
    createOrchestrator(type, aws, llm),
    { investigationId: scenario.investigationId, alarm: scenario.alarm },
    silent,
  );
  const counted = {
    llm_calls: sim.stats.completions - before.completions,
    prompt_tokens: sim.stats.prompt_tokens - before.prompt_tokens,
    completion_tokens: sim.stats.completion_tokens - before.completion_tokens,
    total_tokens: sim.stats.total_tokens - before.total_tokens,
  };
  return { report: ReportSchema.parse(report), counted };
}

const names = scenarios.map((scenario) => [scenario.file.split('/').pop() ?? '', scenario] as const);

describe('both orchestrators on every bundled scenario through llm-sim over HTTP', () => {
  it('found the bundled scenarios', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  it.each(names)('direct_invocation: %s', async (_name, scenario) => {
    const { report, counted } = await investigate('direct_invocation', scenario);
    expect(report.status).toBe('completed');
    expect(report.usage).toEqual(counted);
    expect(report.usage.llm_calls).toBe(new Set(report.resources.map((r) => r.type)).size);
    // The simulator echoes the rules' hypotheses, so the model changes nothing the rules decided.
    expect(report.root_cause?.type).toBe(scenario.expectedRootCause);
    expect(report.warnings).toEqual([]);
  });

  it.each(names)('agent_tools: %s', async (_name, scenario) => {
    const { report, counted } = await investigate('agent_tools', scenario);
    expect(report.status).toBe('completed');
    expect(report.usage).toEqual(counted);
    // The lead delegates each resource one per turn and answers; each specialist calls each of its fact tools one per turn and answers.
    // A resource only the evidence showed (a throttled callee) was never delegated.
    const delegated = report.resources.filter((r) => r.via !== 'invoked by function');
    const specialistCalls = delegated.map((r) => (specialistFor(r.type).evidence?.factTools(aws, window, 1_000, []).tools.length ?? 0) + 1);
    expect(report.usage.llm_calls).toBe(delegated.length + 1 + specialistCalls.reduce((a, b) => a + b, 0));
    expect(report.root_cause?.type).toBe(scenario.expectedRootCause);
    expect(report.facts.map((f) => f.source)).toContain('lambda.GetFunctionConfiguration');
    expect(report.hypotheses.length).toBeGreaterThan(0);
    expect(report.hypotheses.map((h) => h.type)).toContain(report.root_cause?.type);
    expect(report.warnings).toEqual([]);
  });
});

describe('promptrca investigate --orchestrator agent_tools against llm-sim', () => {
  it('reads OPENAI_BASE_URL and PROMPTRCA_MODEL, and reports the usage the simulator counted', async () => {
    const before = { ...sim.stats };
    const result = await runCli(['investigate', '--alarm', 'examples/lambda-timeout.json', '--orchestrator', 'agent_tools', '--json'], {
      OPENAI_BASE_URL: sim.url,
      PROMPTRCA_MODEL: 'gpt-4o-mini',
    });
    expect(result.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(result.stdout));
    expect(report.orchestrator_type).toBe('agent_tools');
    expect(report.root_cause?.type).toBe('timeout');
    expect(report.usage.llm_calls).toBe(sim.stats.completions - before.completions);
    expect(report.usage.total_tokens).toBe(sim.stats.total_tokens - before.total_tokens);
  });

  it('still refuses agent_tools without a model', async () => {
    const result = await runCli([
      'investigate',
      '--alarm',
      'examples/lambda-timeout.json',
      '--orchestrator',
      'agent_tools',
      '--llm',
      'none',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/agent_tools cannot route without a model/);
  });
});
