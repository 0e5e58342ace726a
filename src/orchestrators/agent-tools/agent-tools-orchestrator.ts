import type { Logger } from 'winston';
import { errorMessage } from '../../platform/errors.js';
import type { AwsClients } from '../aws/clients.js';
import { alarmFact } from '../direct-invocation.js';
import { discoverAllResources } from '../discover-all-resources.js';
import { investigationWindow } from '../investigation-window.js';
import { lambdaEvidenceFacts } from '../specialists/lambda/lambda-evidence-facts.js';
import type { LlmClient } from '../llm/llm-client.js';
import { InvestigationFailedError, type Findings, type InvestigationRequest, type Orchestrator } from '../orchestrator.js';
import { adviceFor } from '../specialists/lambda/rules/advice.js';
import { chooseRootCause } from '../rules/choose-root-cause.js';
import { AgentBudget, DEFAULT_AGENT_LIMITS, type AgentLimits } from './agent-limits.js';
import { EvidenceNotebook } from './evidence-notebook.js';
import { lambdaFactTools } from '../specialists/lambda/lambda-fact-tools.js';
import { leadConversation } from './lead-agent.js';
import { SPECIALIST_AGENTS, specialistTool } from './specialist-agents.js';
import { converse, type ConversationContext } from './tool-conversation.js';

/**
 * The legacy agents-as-tools pattern: a lead agent holds one tool per specialist and the raw AWS
 * fact tools; a specialist tool starts a new conversation with that specialist's prompt and tools.
 * Sequential and routed by the model, within the limits of AgentLimits.
 */
export class AgentToolsOrchestrator implements Orchestrator {
  readonly type = 'agent_tools' as const;

  constructor(
    private readonly aws: AwsClients,
    private readonly llm: LlmClient,
    private readonly limits: AgentLimits = DEFAULT_AGENT_LIMITS,
  ) {}

  async investigate(request: InvestigationRequest, log: Logger): Promise<Findings> {
    log.info('AGENTS-AS-TOOLS ORCHESTRATION', { llm: this.llm.settings.model });
    const { alarm } = request;
    const warnings: string[] = [];
    const resources = await discoverAllResources(this.aws, alarm, log, warnings);

    const session = this.llm.session(log);
    const context: ConversationContext = {
      session,
      budget: new AgentBudget(this.limits, session),
      log,
      warnings,
      signal: request.signal,
    };
    const notebook = new EvidenceNotebook();
    const awsTools = lambdaFactTools(this.aws, investigationWindow(alarm), notebook, this.limits.factTimeoutMs);
    const specialistTools = SPECIALIST_AGENTS.map((agent) =>
      specialistTool(agent, alarm, agent.name === 'lambda' ? awsTools : [], context),
    );
    let answer;
    try {
      answer = await converse(leadConversation(alarm, resources, [...specialistTools, ...awsTools]), context);
    } catch (error) {
      throw new InvestigationFailedError(errorMessage(error), session.usage, { cause: error });
    }

    const hypotheses = [...answer].sort((a, b) => b.confidence - a.confidence);
    const rootCause = chooseRootCause(hypotheses);
    const lambdaEvidence = notebook.all();
    return {
      resources,
      facts: [alarmFact(alarm), ...lambdaEvidence.flatMap(lambdaEvidenceFacts)],
      hypotheses,
      root_cause: rootCause,
      advice: adviceFor(rootCause, lambdaEvidence[0] ?? null),
      usage: session.usage,
      warnings,
    };
  }
}
