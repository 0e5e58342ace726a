import { join } from 'node:path';
import { EXAMPLES_DIR, loadScenario } from '../../bench/scenarios.js';
import { type AgentLimits, DEFAULT_AGENT_LIMITS } from '../../src/orchestrators/agent-tools/agent-limits.js';
import { AgentToolsOrchestrator } from '../../src/orchestrators/agent-tools/agent-tools-orchestrator.js';
import { createAwsClients } from '../../src/orchestrators/aws/clients.js';
import { CallRecorder } from '../../src/orchestrators/aws/recorder.js';
import { LlmClient } from '../../src/orchestrators/llm/llm-client.js';
import { runInvestigation } from '../../src/orchestrators/run-investigation.js';
import { captureLog } from './log-capture.js';
import type { StubRequest } from './openai-stub-server.js';

export interface AgentRunOptions {
  limits?: Partial<AgentLimits>;
  /** Per LLM call. */
  timeoutMs?: number;
  /** Recorded AWS commands to leave out, so those calls fail as AWS would. */
  withoutCommands?: string[];
  /** Recorded AWS commands answered with a ThrottlingException instead. */
  throttledCommands?: string[];
}

/** One agents-as-tools investigation of a bundled scenario against the model at `llmUrl`, in process. */
export async function runAgentTools(example: string, llmUrl: string, options: AgentRunOptions = {}) {
  const scenario = loadScenario(join(EXAMPLES_DIR, example));
  const calls = scenario.recording.calls
    .filter((call) => !options.withoutCommands?.includes(call.command))
    .map((call) =>
      options.throttledCommands?.includes(call.command)
        ? { ...call, output: null, error: { name: 'ThrottlingException', message: 'Rate exceeded' } }
        : call,
    );
  const recorder = new CallRecorder();
  const aws = createAwsClients({ region: scenario.alarm.region ?? 'us-east-1', replay: { calls }, recorder });
  const llm = new LlmClient({
    apiKey: 'test',
    baseURL: llmUrl,
    model: 'test-model',
    timeoutMs: options.timeoutMs ?? 10_000,
    maxRetries: 0,
  });
  const { log, entries } = captureLog();
  const started = performance.now();
  const report = await runInvestigation(
    new AgentToolsOrchestrator(aws, llm, { ...DEFAULT_AGENT_LIMITS, ...options.limits }),
    { investigationId: scenario.investigationId, alarm: scenario.alarm },
    log,
  );
  return { report, logs: entries, awsCalls: recorder.calls, elapsedMs: performance.now() - started, scenario };
}

export function isLead(request: StubRequest): boolean {
  return (request.messages[0]?.content ?? '').startsWith('You lead');
}

/** The tool results the model has been sent so far in this conversation. */
export function toolResults(request: StubRequest): string[] {
  return request.messages.filter((message) => message.role === 'tool').map((message) => message.content ?? '');
}

export const hypothesesAnswer = (type: string, confidence = 0.7): string =>
  JSON.stringify({ hypotheses: [{ type, description: `${type} seen`, confidence, evidence: ['quoted line'] }] });
