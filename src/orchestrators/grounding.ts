import type { Hypothesis } from '../report/report.js';
import type { RuleHypothesis } from './rules/rule-hypothesis.js';

/** How far below the best-supported hypothesis an unsupported one is put. */
const BELOW_SUPPORTED = 0.05;

export interface Grounded {
  hypotheses: RuleHypothesis[];
  /** Why a model hypothesis was lowered, for the report. */
  warnings: string[];
}

/**
 * A model's hypothesis of a type the rules found stands on their evidence: it takes the rule of the
 * most confident rule hypothesis of that type, so that advice follows the rule, whatever words the
 * model chose for the description.
 */
export function withRulesOfTheirType(fromModel: readonly RuleHypothesis[], fromRules: readonly RuleHypothesis[]): RuleHypothesis[] {
  const byConfidence = [...fromRules].sort((a, b) => b.confidence - a.confidence);
  return fromModel.map((hypothesis) => {
    const rule = hypothesis.rule ?? byConfidence.find((h) => h.type === hypothesis.type)?.rule;
    return rule ? { ...hypothesis, rule } : hypothesis;
  });
}

/**
 * Holds a model's hypotheses to the evidence, since text the model read (log lines, alarm text)
 * may have told it what to answer. A type the rules found too stands, and the rules' hypotheses of
 * a type the model did not name are kept. A type no rule found is kept below the best-supported
 * hypothesis, so that it can never outrank the evidence. When the rules found nothing (no hypothesis,
 * or only `unknown`) there is nothing to hold the model to, and its answer stands.
 */
export function groundHypotheses(label: string, answer: readonly Hypothesis[], fromRules: readonly RuleHypothesis[]): Grounded {
  const fromModel = withRulesOfTheirType(answer, fromRules);
  // `unknown` claims nothing, so it needs no support.
  const supportedTypes = new Set<Hypothesis['type']>(['unknown', ...fromRules.map((h) => h.type)]);
  const named = new Set(fromModel.map((h) => h.type));
  const supported = [...fromModel.filter((h) => supportedTypes.has(h.type)), ...fromRules.filter((h) => !named.has(h.type))];
  const ceiling = Math.max(0, ...supported.map((h) => h.confidence)) - BELOW_SUPPORTED;
  // The rules' `unknown` says they found nothing: no evidence to hold the model to.
  const rulesFoundSomething = fromRules.some((h) => h.type !== 'unknown');
  const warnings: string[] = [];
  const unsupported: RuleHypothesis[] = [];
  for (const hypothesis of fromModel.filter((h) => !supportedTypes.has(h.type))) {
    if (rulesFoundSomething && hypothesis.confidence > ceiling) {
      const confidence = Math.max(0, Math.floor(ceiling * 100) / 100);
      warnings.push(
        `${label}: model hypothesis ${hypothesis.type} lowered from ${hypothesis.confidence} to ${confidence}: no rule found evidence of it`,
      );
      unsupported.push({ ...hypothesis, confidence });
    } else {
      unsupported.push(hypothesis);
    }
  }
  return { hypotheses: [...supported, ...unsupported], warnings };
}
