import type { OrchestratorType } from '../report/report.js';
import { AgentToolsOrchestrator } from './agent-tools/agent-tools-orchestrator.js';
import type { AwsClients } from './aws/clients.js';
import { DirectInvocationOrchestrator } from './direct-invocation.js';
import { OrchestratorUnavailableError } from './errors.js';
import type { LlmClient } from './llm/llm-client.js';
import type { Orchestrator } from './orchestrator.js';

export function createOrchestrator(type: OrchestratorType, aws: AwsClients, llm: LlmClient | null): Orchestrator {
  if (type === 'direct_invocation') return new DirectInvocationOrchestrator(aws, llm);
  if (!llm) {
    // Raised by `investigate` and by the worker alike, so the advice names the way out of each.
    throw new OrchestratorUnavailableError(
      'agent_tools cannot route without a model: set OPENAI_API_KEY or OPENAI_BASE_URL (without --llm none), ' +
        'or route to direct_invocation (investigate: --orchestrator direct; worker: PROMPTRCA_FORCE_ORCHESTRATOR=direct, ' +
        'or `promptrca rollout set --enabled true --percentage 100` for every worker)',
    );
  }
  return new AgentToolsOrchestrator(aws, llm);
}
