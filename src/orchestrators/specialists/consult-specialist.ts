import type { LlmSession } from '../llm/llm-client.js';
import type { RuleHypothesis } from '../rules/rule-hypothesis.js';
import { refineWithModel } from './llm-hypotheses.js';
import type { ResourceSpecialist } from './resource-specialist.js';
import type { SpecialistInput } from './specialist-input.js';

export interface SpecialistFindings {
  hypotheses: RuleHypothesis[];
  warnings: string[];
}

/**
 * direct_invocation's call of one specialist: its deterministic rules first, then (when a model
 * is configured) exactly one chat completion that refines them.
 */
export async function consultSpecialist(
  specialist: ResourceSpecialist,
  input: SpecialistInput<unknown>,
  llm: LlmSession | null,
): Promise<SpecialistFindings> {
  const ruleHypotheses = specialist.hypotheses(input);
  if (!llm) return { hypotheses: ruleHypotheses, warnings: [] };
  return refineWithModel(specialist.type, input, ruleHypotheses, llm);
}
