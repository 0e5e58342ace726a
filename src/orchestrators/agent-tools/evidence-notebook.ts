import type { LambdaEvidence } from '../specialists/lambda/evidence.js';

type EvidencePart = Partial<Omit<LambdaEvidence, 'functionName'>>;

/**
 * What the fact tools returned during one investigation, whichever model asked for it, so the
 * report's facts and advice come from the same data as direct's and not from a model's retelling.
 */
export class EvidenceNotebook {
  private readonly byFunction = new Map<string, LambdaEvidence>();

  record(functionName: string, part: EvidencePart): void {
    const known = this.byFunction.get(functionName) ?? { functionName, config: null, logs: null, metrics: null };
    this.byFunction.set(functionName, { ...known, ...part });
  }

  get(functionName: string): LambdaEvidence | undefined {
    return this.byFunction.get(functionName);
  }

  /** In the order the functions were first looked at. */
  all(): LambdaEvidence[] {
    return [...this.byFunction.values()];
  }
}
