import type { NormalizedAlarm } from '../../producer/alarm.js';
import type { Fact, Hypothesis, Resource, ResourceType } from '../../report/report.js';
import type { LambdaEvidence } from './lambda/evidence.js';
import type { LlmSession } from '../llm/llm-client.js';

/** Everything one specialist sees: its resources and the facts already gathered for them. */
export interface SpecialistInput {
  alarm: NormalizedAlarm;
  resources: Resource[];
  facts: Fact[];
  /** Lambda evidence by function name; empty for other resource types. */
  lambdaEvidence: LambdaEvidence[];
  signal?: AbortSignal;
}

export interface SpecialistFindings {
  hypotheses: Hypothesis[];
  warnings: string[];
}

export interface Specialist {
  /** Used in logs (`lambda specialist failed: …`) and in prompts. */
  readonly name: string;
  readonly resourceType: ResourceType;
  analyse(input: SpecialistInput, llm: LlmSession | null): Promise<SpecialistFindings>;
}
