import type { Logger } from 'winston';
import { isTransientError } from '../../platform/error-kind.js';
import { errorMessage } from '../../platform/errors.js';
import type { Hypothesis } from '../../report/report.js';
import { answeringOnce } from '../aws/answer-once.js';
import type { AwsClients } from '../aws/clients.js';
import { conclude, withoutConclusionFromMissingFacts } from '../conclusion.js';
import { discoverAllResources } from '../discover-all-resources.js';
import { InvestigationFailedError } from '../errors.js';
import { withResourcesBehindEvidence } from '../follow-resources.js';
import { groundHypotheses, withRulesOfTheirType } from '../grounding.js';
import { investigationFacts } from '../investigation-facts.js';
import { investigationWindow } from '../investigation-window.js';
import type { LlmClient } from '../llm/llm-client.js';
import type { Findings, InvestigationRequest, Orchestrator } from '../orchestrator.js';
import { SPECIALISTS, specialistFor } from '../specialists/registry.js';
import { AgentBudget, type AgentLimits, DEFAULT_AGENT_LIMITS } from './agent-limits.js';
import { leadConversation } from './lead-agent.js';
import { specialistTool } from './specialist-agents.js';
import { type ConversationContext, converse } from './tool-conversation.js';

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
    const warnings: string[] = [];
    const aws = answeringOnce(this.aws);
    const window = investigationWindow(request.alarm);
    const { alarm, resources } = await discoverAllResources(aws, request.alarm, window, log, warnings);

    const session = this.llm.session(log);
    const context: ConversationContext = {
      session,
      budget: new AgentBudget(this.limits, session),
      log,
      warnings,
      signal: request.signal,
    };
    // The lead holds every specialist's fact tools too (the legacy pattern); whichever model calls
    // them, what they read is the report's evidence.
    const toolSets = SPECIALISTS.map((specialist) => ({
      specialist,
      factTools: specialist.evidence?.factTools(aws, window, this.limits.factTimeoutMs, resources),
    }));
    const specialistTools = toolSets.map(({ specialist, factTools }) => specialistTool(specialist, alarm, factTools?.tools ?? [], context));
    const awsTools = toolSets.flatMap(({ factTools }) => factTools?.tools ?? []);
    let answer: Hypothesis[];
    try {
      answer = await converse(leadConversation(alarm, resources, [...specialistTools, ...awsTools]), context);
    } catch (error) {
      throw new InvestigationFailedError(errorMessage(error), session.usage, { cause: error });
    }

    const evidence = toolSets.flatMap(({ specialist, factTools }) => (factTools?.read() ?? []).map((read) => ({ specialist, ...read })));
    const facts = investigationFacts(request.alarm, evidence);
    // The lead's answer is held to what the rules make of the same reads, as direct's specialists' are.
    const ruleHypotheses = [...new Set(resources.map((r) => r.type))].map(specialistFor).flatMap((specialist) =>
      specialist.hypotheses({
        alarm,
        resources: resources.filter((r) => r.type === specialist.type),
        evidence: evidence.filter((read) => read.specialist === specialist).map((read) => read.evidence),
        facts,
      }),
    );
    const grounded = groundHypotheses('lead agent', answer, ruleHypotheses);
    warnings.push(...grounded.warnings);
    // An answer the evidence bears out (every type it names, the rules found too) stands as the lead
    // gave it (the legacy pattern's own answer); otherwise the rules' hypotheses stand beside it.
    const ruleTypes = new Set(ruleHypotheses.map((h) => h.type));
    const rulesFoundNothing = ruleHypotheses.every((h) => h.type === 'unknown');
    const borneOut = rulesFoundNothing || answer.every((h) => h.type === 'unknown' || ruleTypes.has(h.type));
    const hypotheses = borneOut && grounded.warnings.length === 0 ? withRulesOfTheirType(answer, ruleHypotheses) : grounded.hypotheses;
    // As in direct: a read still failing for a reason time cures leaves the investigation unconcluded.
    const missingFacts = toolSets
      .flatMap(({ factTools }) => factTools?.failures() ?? [])
      .filter(isTransientError)
      .map(errorMessage);
    return {
      resources: withResourcesBehindEvidence(resources, evidence),
      facts,
      ...withoutConclusionFromMissingFacts(conclude(hypotheses, evidence), missingFacts),
      usage: session.usage,
      warnings,
    };
  }
}
