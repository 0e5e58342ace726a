import type { Logger } from 'winston';
import { errorMessage, PromptRcaError } from '../platform/errors.js';
import type { NormalizedAlarm } from '../producer/alarm.js';
import { ZERO_USAGE, type Fact, type Resource } from '../report/report.js';
import type { AwsClients } from './aws/clients.js';
import type { LambdaEvidence } from './specialists/lambda/evidence.js';
import { discoverAllResources } from './discover-all-resources.js';
import { gatherLambdaEvidence } from './specialists/lambda/gather-lambda-evidence.js';
import { investigationWindow } from './investigation-window.js';
import { lambdaEvidenceFacts } from './specialists/lambda/lambda-evidence-facts.js';
import type { LlmClient } from './llm/llm-client.js';
import type { Findings, InvestigationRequest, Orchestrator } from './orchestrator.js';
import { adviceFor } from './specialists/lambda/rules/advice.js';
import { chooseRootCause } from './rules/choose-root-cause.js';
import { specialistFor } from './specialists/specialists.js';

/** Every fact call of every function failed: the investigation saw nothing to judge. */
export class NoFactsError extends PromptRcaError {}

export function alarmFact(alarm: NormalizedAlarm): Fact {
  return {
    source: 'cloudwatch.alarm',
    content: `${alarm.name} went ${alarm.state} at ${alarm.time}: ${alarm.reason}`,
    confidence: 1,
    metadata: { namespace: alarm.namespace, metric: alarm.metric, dimensions: alarm.dimensions },
  };
}

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
    const { alarm } = request;
    const warnings: string[] = [];
    const resources = await discoverAllResources(this.aws, alarm, log, warnings);

    const window = investigationWindow(alarm);
    const gathered = await Promise.all(
      resources.filter((r) => r.type === 'lambda').map((r) => gatherLambdaEvidence(this.aws, r.name, window)),
    );
    for (const failure of gathered.flatMap((g) => g.failures)) {
      log.warn(`Fact gathering failed: ${errorMessage(failure)}`);
      warnings.push(errorMessage(failure));
    }
    const lambdaEvidence = gathered.map((g) => g.evidence);
    // Without a single fact the rules could only answer "unknown"; that is a failed investigation
    // (no credentials, AWS unreachable, throttled), not a finding. `cause` lets a worker tell
    // throttling, worth another attempt, from missing permissions.
    const sawNothing = (e: LambdaEvidence) => e.config === null && e.logs === null && e.metrics === null;
    if (lambdaEvidence.length > 0 && lambdaEvidence.every(sawNothing)) {
      const first = gathered[0]!.failures[0];
      throw new NoFactsError(`no AWS facts could be read for lambda ${lambdaEvidence[0]!.functionName}: ${errorMessage(first)}`, {
        cause: first,
      });
    }
    const facts = [alarmFact(alarm), ...lambdaEvidence.flatMap(lambdaEvidenceFacts)];

    const llm = this.llm?.session(log) ?? null;
    const types = [...new Set(resources.map((r) => r.type))];
    const outcomes = await Promise.allSettled(
      types.map((type) =>
        specialistFor(type).analyse(
          { alarm, resources: resources.filter((r: Resource) => r.type === type), facts, lambdaEvidence, signal: request.signal },
          llm,
        ),
      ),
    );
    const hypotheses = [];
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') {
        hypotheses.push(...outcome.value.hypotheses);
        warnings.push(...outcome.value.warnings);
      } else {
        const message = `${types[index]} specialist failed: ${errorMessage(outcome.reason)}`;
        log.error(message);
        warnings.push(message);
      }
    }
    hypotheses.sort((a, b) => b.confidence - a.confidence);
    const rootCause = chooseRootCause(hypotheses);
    return {
      resources,
      facts,
      hypotheses,
      root_cause: rootCause,
      advice: adviceFor(rootCause, lambdaEvidence[0] ?? null),
      usage: llm ? llm.usage : ZERO_USAGE,
      warnings,
    };
  }
}
