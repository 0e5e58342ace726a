import type { Hypothesis, RootCause } from '../report/report.js';
import { chooseRootCause } from './rules/choose-root-cause.js';
import type { RuleHypothesis } from './rules/rule-hypothesis.js';
import { SPECIALISTS } from './specialists/registry.js';
import type { SpecialistEvidence } from './specialists/resource-specialist.js';

export interface Conclusion {
  /** Most confident first. */
  hypotheses: Hypothesis[];
  root_cause: RootCause;
  advice: string[];
}

/** Where in the text the name stands as a word of its own (`orders` is not in `orders-api`), or -1. */
function positionOf(name: string, text: string): number {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + name.length] ?? ' ';
    if (!/[\w-]/.test(before) && !/[\w-]/.test(after)) return at;
  }
  return -1;
}

/**
 * The resource that formed the root cause: the one its description names first, whichever
 * orchestrator or model wrote it. A description that names none (a model's words) falls back on
 * the first resource read whose specialist advises.
 */
function rootCauseResource(rootCause: RootCause, evidence: readonly SpecialistEvidence[]): SpecialistEvidence | undefined {
  const named = evidence
    .filter((read) => read.specialist.advice)
    .map((read) => ({ read, at: positionOf(read.name, rootCause.description) }))
    .filter(({ at }) => at !== -1)
    .sort((a, b) => a.at - b.at)[0];
  return named?.read ?? evidence.find((read) => read.specialist.advice);
}

/**
 * What the hypotheses come to. The advice is that of the specialist whose resource formed the root
 * cause, quoting that resource: no DynamoDB advice for an SSM throttle, no concurrency advice for
 * a queue whose consumer fails.
 */
export function conclude(hypotheses: readonly RuleHypothesis[], evidence: readonly SpecialistEvidence[]): Conclusion {
  const sorted = [...hypotheses].sort((a, b) => b.confidence - a.confidence);
  const { rule, ...rootCause } = chooseRootCause(sorted);
  // With nothing read at all, the registry's first adviser says what to check (null evidence).
  const adviser = rootCauseResource(rootCause, evidence) ?? { specialist: SPECIALISTS.find((s) => s.advice), evidence: null };
  return {
    // The rule is the investigation's own: the report's hypotheses and root cause have no such field.
    hypotheses: sorted.map(({ rule: _rule, ...hypothesis }) => hypothesis),
    root_cause: rootCause,
    advice: adviser.specialist?.advice?.({ ...rootCause, ...(rule ? { rule } : {}) }, adviser.evidence) ?? [],
  };
}

/**
 * A conclusion drawn while facts are missing for a reason time cures could be confidently wrong (the
 * logs that name the cause are the read that was throttled): the root cause is then `unknown` with
 * confidence 0, saying which facts are missing and why; the hypotheses stay for the reader.
 */
export function withoutConclusionFromMissingFacts(
  conclusion: Conclusion,
  missingFacts: readonly string[],
): Conclusion & { missing_facts?: string[] } {
  if (missingFacts.length === 0) return conclusion;
  const description = `Not concluded: ${missingFacts.length} fact(s) could not be read for a reason time cures: ${missingFacts.join('; ')}`;
  return { ...conclusion, root_cause: { type: 'unknown', description, confidence: 0 }, missing_facts: [...missingFacts] };
}
