import type { Hypothesis, RootCause } from '../../report/report.js';

/**
 * A hypothesis as the investigation carries it until the report: `rule` names the rule that formed
 * it (`sqs.consumer-disabled`), so that its specialist chooses advice by it and never by reading a
 * description a model may have written. Absent where no rule stands behind the hypothesis. The
 * report's JSON has no such field: conclude leaves it out.
 */
export interface RuleHypothesis extends Hypothesis {
  rule?: string;
}

/** The root cause with the rule of the hypothesis it was chosen from, when that had one. */
export interface RuleRootCause extends RootCause {
  rule?: string;
}
