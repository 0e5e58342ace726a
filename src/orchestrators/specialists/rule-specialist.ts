import type { Hypothesis, ResourceType } from '../../report/report.js';
import type { LlmSession } from '../llm/llm-client.js';
import { refineWithModel } from './llm-hypotheses.js';
import type { Specialist, SpecialistFindings, SpecialistInput } from './specialist.js';

/**
 * A direct-invocation specialist: deterministic rules first, then (when a model is configured)
 * exactly one chat completion that refines them.
 */
export function ruleSpecialist(resourceType: ResourceType, rules: (input: SpecialistInput) => Hypothesis[]): Specialist {
  return {
    name: resourceType,
    resourceType,
    async analyse(input: SpecialistInput, llm: LlmSession | null): Promise<SpecialistFindings> {
      const ruleHypotheses = rules(input);
      if (!llm) return { hypotheses: ruleHypotheses, warnings: [] };
      return refineWithModel(resourceType, input, ruleHypotheses, llm);
    },
  };
}
