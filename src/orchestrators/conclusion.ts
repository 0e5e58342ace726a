import type { Hypothesis, RootCause } from '../report/report.js';
import { chooseRootCause } from './rules/choose-root-cause.js';
import { SPECIALISTS } from './specialists/registry.js';
import type { SpecialistEvidence } from './specialists/resource-specialist.js';

export interface Conclusion {
  /** Most confident first. */
  hypotheses: Hypothesis[];
  root_cause: RootCause;
  advice: string[];
}

/**
 * What the hypotheses come to. Root-cause types describe the code that ran, so the
 * advice comes from the first specialist of the registry that gives any, quoting the first of its
 * resources that was read, whichever specialist formed the root cause.
 */
export function conclude(hypotheses: readonly Hypothesis[], evidence: readonly SpecialistEvidence[]): Conclusion {
  const sorted = [...hypotheses].sort((a, b) => b.confidence - a.confidence);
  const rootCause = chooseRootCause(sorted);
  const adviser = SPECIALISTS.find((specialist) => specialist.advice);
  const read = evidence.find((candidate) => candidate.specialist === adviser);
  return { hypotheses: sorted, root_cause: rootCause, advice: adviser?.advice?.(rootCause, read?.evidence ?? null) ?? [] };
}
