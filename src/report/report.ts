import { z } from 'zod';
import { NormalizedAlarmSchema } from '../producer/alarm.js';

export const ORCHESTRATOR_TYPES = ['direct_invocation', 'agent_tools'] as const;
export type OrchestratorType = (typeof ORCHESTRATOR_TYPES)[number];

export const ROOT_CAUSE_TYPES = [
  'timeout',
  'out_of_memory',
  'code_error',
  'init_error',
  'permission_denied',
  'throttling',
  'downstream_error',
  'configuration_error',
  'unknown',
] as const;
export type RootCauseType = (typeof ROOT_CAUSE_TYPES)[number];

/** How a resource was found: named by the alarm, or followed from another resource to the one behind it. */
export const RESOURCE_VIAS = [
  'alarm',
  'api integration',
  'event source mapping',
  'dead-letter source',
  'execution history',
  'composite child',
  // A function another one invokes, named in the caller's logs (a callee they show throttled).
  'invoked by function',
] as const;
export type ResourceVia = (typeof RESOURCE_VIAS)[number];

export const ResourceSchema = z.object({
  /** A type of the specialist registry (`lambda`, `apigateway` …): the report does not depend on which exist. */
  type: z.string().min(1),
  name: z.string(),
  arn: z.string().optional(),
  region: z.string().optional(),
  /** Which part of the resource the alarm watches: an API's stage, a function's alias or version. */
  qualifier: z.string().optional(),
  via: z.enum(RESOURCE_VIAS).optional(),
});
export type Resource = z.infer<typeof ResourceSchema>;

const Confidence = z.number().min(0).max(1);

export const FactSchema = z.object({
  source: z.string(),
  content: z.string(),
  confidence: Confidence,
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type Fact = z.infer<typeof FactSchema>;

export const HypothesisSchema = z.object({
  type: z.enum(ROOT_CAUSE_TYPES),
  description: z.string(),
  confidence: Confidence,
  evidence: z.array(z.string()),
});
export type Hypothesis = z.infer<typeof HypothesisSchema>;

export const RootCauseSchema = z.object({
  type: z.enum(ROOT_CAUSE_TYPES),
  description: z.string(),
  confidence: Confidence,
});
export type RootCause = z.infer<typeof RootCauseSchema>;

export const UsageSchema = z.object({
  llm_calls: z.number().int().min(0),
  prompt_tokens: z.number().int().min(0),
  completion_tokens: z.number().int().min(0),
  total_tokens: z.number().int().min(0),
  /** Prompt tokens the server answered from its prompt cache; present only when the server reports it. */
  cached_tokens: z.number().int().min(0).optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const SummarySchema = z.object({
  orchestrator_type: z.enum(ORCHESTRATOR_TYPES),
  duration_seconds: z.number(),
  facts: z.number().int(),
  hypotheses: z.number().int(),
  root_cause_confidence: z.number(),
  status: z.enum(['completed', 'failed']),
});
export type Summary = z.infer<typeof SummarySchema>;

/**
 * The other investigations of the report's resource (account, region, type and name) within the
 * related window, as far as they were known when the report was built: those registered before it.
 */
export const RelatedSchema = z.object({
  /** `lambda orders-api (us-east-1, 123456789012)`. */
  resource: z.string(),
  /** The first investigation of the incident (this one's own ID when it was the first): reports sharing it are one incident. */
  incident_id: z.string(),
  /** The earliest of them, at most 20. */
  investigations: z.array(
    z.object({
      investigation_id: z.string(),
      alarm_name: z.string().nullable(),
      started_at: z.string(),
    }),
  ),
  /** Those not listed. */
  more: z.number().int().min(0),
});
export type Related = z.infer<typeof RelatedSchema>;

export const FAILURE_KINDS = ['transient', 'permanent', 'malformed_job'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** What a failed investigation's report says of the failure. */
export interface Failure {
  message: string;
  kind: FailureKind;
}

export const ReportSchema = z.object({
  investigation_id: z.string(),
  orchestrator_type: z.enum(ORCHESTRATOR_TYPES),
  status: z.enum(['completed', 'failed']),
  error: z.string().nullable(),
  /**
   * Why a failed investigation failed, kept beside the message so that nothing has to read the
   * message: `transient` (the environment: throttling, a 5xx, an unreachable service),
   * `permanent` (the input or the orchestrator), `malformed_job` (another program's data, never
   * investigated). Null for a completed one; absent in reports written before it existed.
   */
  error_kind: z.enum(FAILURE_KINDS).nullable().optional(),
  started_at: z.string(),
  duration_seconds: z.number(),
  alarm: NormalizedAlarmSchema.nullable(),
  resources: z.array(ResourceSchema),
  facts: z.array(FactSchema),
  hypotheses: z.array(HypothesisSchema),
  root_cause: RootCauseSchema.nullable(),
  advice: z.array(z.string()),
  usage: UsageSchema,
  summary: SummarySchema,
  /** Non-fatal problems met on the way (a specialist that failed, LLM output that failed validation). */
  warnings: z.array(z.string()).optional(),
  /**
   * Reads that failed for a reason time cures (throttled, timed out) after retrying within the
   * attempt's deadline: the investigation is not concluded from what survived (root cause
   * `unknown`, confidence 0). Absent when nothing is missing.
   */
  missing_facts: z.array(z.string()).optional(),
  /** Set on reports of the orchestrator that ran in shadow beside the assigned one. */
  shadow: z.boolean().optional(),
  /** Absent on shadow reports, reports without a resource, and reports written before it existed. */
  related: RelatedSchema.optional(),
});
export type Report = z.infer<typeof ReportSchema>;

export const ZERO_USAGE: Usage = { llm_calls: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    llm_calls: a.llm_calls + b.llm_calls,
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
    ...(a.cached_tokens === undefined && b.cached_tokens === undefined
      ? {}
      : { cached_tokens: (a.cached_tokens ?? 0) + (b.cached_tokens ?? 0) }),
  };
}

export function summarize(report: Omit<Report, 'summary'>): Summary {
  return {
    orchestrator_type: report.orchestrator_type,
    duration_seconds: report.duration_seconds,
    facts: report.facts.length,
    hypotheses: report.hypotheses.length,
    root_cause_confidence: report.root_cause?.confidence ?? 0,
    status: report.status,
  };
}

/** The resource a report is about: the one its alarm names, else the first found. */
export function primaryResource(report: Report): Resource | undefined {
  return report.resources.find((resource) => resource.via === 'alarm') ?? report.resources[0];
}

/** How many other investigations of its resource a report names: those listed and those counted. */
export function relatedCount(related: Related): number {
  return related.investigations.length + related.more;
}
