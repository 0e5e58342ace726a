import type { RootCauseType } from '../../report/report.js';
import type { RuleHypothesis, RuleRootCause } from './rule-hypothesis.js';

/** The confidence of an "unknown" hypothesis: it only says what could not be seen. */
export const UNKNOWN_CONFIDENCE = 0.1;

/**
 * On equal confidence the more specific cause wins: a function that cannot start or runs out of
 * memory explains the errors and timeouts seen with it, not the other way round.
 */
const SPECIFICITY: readonly RootCauseType[] = [
  'init_error',
  'out_of_memory',
  'configuration_error',
  'permission_denied',
  'throttling',
  'timeout',
  'code_error',
  'downstream_error',
  'unknown',
];

function byConfidenceThenSpecificity(a: RuleHypothesis, b: RuleHypothesis): number {
  return b.confidence - a.confidence || SPECIFICITY.indexOf(a.type) - SPECIFICITY.indexOf(b.type);
}

/** The best-supported hypothesis; with none, an unknown cause of low confidence rather than a guess. */
export function chooseRootCause(hypotheses: readonly RuleHypothesis[]): RuleRootCause {
  const best = [...hypotheses].sort(byConfidenceThenSpecificity)[0];
  if (!best) {
    return {
      type: 'unknown',
      description: 'no hypothesis was formed: no log signal, configuration or metric pointed to a cause',
      confidence: UNKNOWN_CONFIDENCE,
    };
  }
  return { type: best.type, description: best.description, confidence: best.confidence, ...(best.rule ? { rule: best.rule } : {}) };
}
