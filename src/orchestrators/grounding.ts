import type { Fact, Hypothesis } from '../report/report.js';

/** How far below the best-supported hypothesis an unsupported one is put. */
const BELOW_SUPPORTED = 0.05;

export interface Grounded {
  hypotheses: Hypothesis[];
  /** Why a model hypothesis was dropped or lowered, for the report. */
  warnings: string[];
}

function citesTheFacts(hypothesis: Hypothesis, facts: readonly Fact[]): boolean {
  const text = facts.map((fact) => fact.content.toLowerCase());
  return hypothesis.evidence.some((quote) => {
    const needle = quote.trim().toLowerCase();
    return needle.length > 0 && text.some((content) => content.includes(needle));
  });
}

/**
 * Holds a model's hypotheses to the evidence, since text the model read (log lines, alarm text)
 * may have told it what to answer. A type the rules found too stands, and the rules' hypotheses of
 * a type the model did not name are kept. A type no rule found is kept below the best-supported
 * hypothesis, so that it can never outrank the evidence; with no rule hypothesis at all, it must
 * quote the facts or it is dropped.
 */
export function groundHypotheses(
  label: string,
  fromModel: readonly Hypothesis[],
  fromRules: readonly Hypothesis[],
  facts: readonly Fact[],
): Grounded {
  // `unknown` claims nothing, so it needs no support.
  const supportedTypes = new Set<Hypothesis['type']>(['unknown', ...fromRules.map((h) => h.type)]);
  const named = new Set(fromModel.map((h) => h.type));
  const supported = [...fromModel.filter((h) => supportedTypes.has(h.type)), ...fromRules.filter((h) => !named.has(h.type))];
  const ceiling = Math.max(0, ...supported.map((h) => h.confidence)) - BELOW_SUPPORTED;
  const warnings: string[] = [];
  const unsupported: Hypothesis[] = [];
  for (const hypothesis of fromModel.filter((h) => !supportedTypes.has(h.type))) {
    if (supported.length === 0) {
      if (citesTheFacts(hypothesis, facts)) unsupported.push(hypothesis);
      else warnings.push(`${label}: model hypothesis ${hypothesis.type} dropped: none of its evidence is found in the facts`);
    } else if (hypothesis.confidence > ceiling) {
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
