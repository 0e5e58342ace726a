import { InputError } from '../errors.js';
import type { OrchestratorType } from '../report/report.js';
import { AgentToolsOrchestrator } from './agent-tools/agent-tools-orchestrator.js';
import type { AwsClients } from './aws/clients.js';
import { DirectInvocationOrchestrator } from './direct-invocation.js';
import type { LlmClient } from './llm/llm-client.js';
import type { Orchestrator } from './orchestrator.js';

export class OrchestratorUnavailableError extends InputError {}

export function createOrchestrator(type: OrchestratorType, aws: AwsClients, llm: LlmClient | null): Orchestrator {
  if (type === 'direct_invocation') return new DirectInvocationOrchestrator(aws, llm);
  if (!llm) {
    throw new OrchestratorUnavailableError(
      'agent_tools cannot route without a model: set OPENAI_API_KEY or OPENAI_BASE_URL (and --llm openai), ' +
        'or choose --orchestrator direct',
    );
  }
  return new AgentToolsOrchestrator(aws, llm);
}
