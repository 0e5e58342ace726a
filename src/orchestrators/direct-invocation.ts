import type { Logger } from 'winston';
import { errorMessage } from '../platform/errors.js';
import { ZERO_USAGE } from '../report/report.js';
import { answeringOnce } from './aws/answer-once.js';
import type { AwsClients } from './aws/clients.js';
import { conclude, withoutConclusionFromMissingFacts } from './conclusion.js';
import { discoverAllResources } from './discover-all-resources.js';
import { LlmTurnWaitError } from './errors.js';
import { withResourcesBehindEvidence } from './follow-resources.js';
import { gatherEvidence } from './gather-evidence.js';
import { investigationFacts } from './investigation-facts.js';
import { investigationWindow } from './investigation-window.js';
import type { LlmClient } from './llm/llm-client.js';
import type { Findings, InvestigationRequest, Orchestrator } from './orchestrator.js';
import type { RuleHypothesis } from './rules/rule-hypothesis.js';
import { consultSpecialist } from './specialists/consult-specialist.js';
import { specialistFor } from './specialists/registry.js';

/**
 * Code orchestration: discovery, facts and specialists are plain function calls; the model (if
 * any) is asked once per specialist, in parallel, and never decides what runs next.
 */
export class DirectInvocationOrchestrator implements Orchestrator {
  readonly type = 'direct_invocation' as const;

  constructor(
    private readonly aws: AwsClients,
    private readonly llm: LlmClient | null,
  ) {}

  async investigate(request: InvestigationRequest, log: Logger): Promise<Findings> {
    log.info('DIRECT INVOCATION ORCHESTRATION', { llm: this.llm ? this.llm.settings.model : 'none' });
    const warnings: string[] = [];
    const aws = answeringOnce(this.aws);
    const window = investigationWindow(request.alarm);
    const { alarm, resources } = await discoverAllResources(aws, request.alarm, window, log, warnings);
    const missingFacts: string[] = [];
    const evidence = await gatherEvidence(aws, resources, window, log, warnings, missingFacts);
    const facts = investigationFacts(request.alarm, evidence);

    const llm = this.llm?.session(log) ?? null;
    const specialists = [...new Set(resources.map((r) => r.type))].map(specialistFor);
    const outcomes = await Promise.allSettled(
      specialists.map((specialist) =>
        consultSpecialist(
          specialist,
          {
            alarm,
            resources: resources.filter((r) => r.type === specialist.type),
            evidence: evidence.filter((read) => read.specialist === specialist).map((read) => read.evidence),
            // Each fact goes to the model once: the alarm's to every specialist, a resource's to its own.
            facts: investigationFacts(
              request.alarm,
              evidence.filter((read) => read.specialist === specialist),
            ),
            signal: request.signal,
          },
          llm,
        ),
      ),
    );
    const hypotheses: RuleHypothesis[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') {
        hypotheses.push(...outcome.value.hypotheses);
        warnings.push(...outcome.value.warnings);
      } else if (outcome.reason instanceof LlmTurnWaitError) {
        // Like a throttled read: not concluded without it, and the worker tries again later.
        missingFacts.push(`${specialists[index]?.type} specialist's model hypotheses: ${errorMessage(outcome.reason)}`);
      } else {
        const message = `${specialists[index]?.type} specialist failed: ${errorMessage(outcome.reason)}`;
        log.error(message);
        warnings.push(message);
      }
    }
    return {
      resources: withResourcesBehindEvidence(resources, evidence),
      facts,
      ...withoutConclusionFromMissingFacts(conclude(hypotheses, evidence), missingFacts),
      usage: llm ? llm.usage : ZERO_USAGE,
      warnings,
    };
  }
}
