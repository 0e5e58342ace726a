import type { Fact, Resource } from '../../report/report.js';
import type { AgentTool } from '../agent-tools/agent-tool.js';
import type { AwsClients } from '../aws/clients.js';
import type { TimeWindow } from '../investigation-window.js';
import type { RuleHypothesis, RuleRootCause } from '../rules/rule-hypothesis.js';
import type { AlarmMetricRule } from './alarm-metric-rules.js';
import type { ResourceDiscovery } from './resource-discovery.js';
import type { SpecialistInput } from './specialist-input.js';

/**
 * One resource type the investigation knows: how an alarm names its resources, what is read of
 * them and how it is judged, and how agent_tools hands them to a model. `Evidence` is what the
 * specialist reads of one resource; the orchestrators only pass it back to the same specialist.
 * What takes `Evidence` is declared as a method, so that specialists of every kind of evidence
 * fit in the registry's one list.
 */
export interface ResourceSpecialist<Evidence = unknown> {
  /** The resource type in reports and prompts: `lambda` in `lambda:orders-api`. */
  readonly type: string;
  /** One resource in words, for prompts and tool descriptions: "Lambda function". */
  readonly noun: string;
  readonly discovery: ResourceDiscovery;
  /** The agent_tools lead's tool that delegates one resource to this specialist. */
  readonly agentTool: AgentDelegation;
  /** What is read of each resource from AWS; without it the specialist judges from the alarm alone. */
  readonly evidence?: EvidenceSource<Evidence>;
  /** What the alarm's own metrics point to, about this specialist's resources only. */
  readonly alarmMetricRules?: readonly AlarmMetricRule[];
  /** direct_invocation's deterministic hypotheses about this specialist's resources. */
  hypotheses(input: SpecialistInput<Evidence>): RuleHypothesis[];
  /**
   * Next steps for a root cause one of its resources formed, quoting that resource's evidence (null
   * when none was read); chosen by the root cause's type and rule, never by its description.
   */
  advice?(rootCause: RuleRootCause, evidence: Evidence | null): string[];
}

export interface AgentDelegation {
  /** The tool's name: `investigate_…`, by which llm-sim tells a lead's tools from a specialist's. */
  readonly toolName: string;
  /**
   * Its one argument, the resource's name: `function_name`. The specialist's fact tools take the
   * same, so that llm-sim knows which resource fills it.
   */
  readonly parameter: string;
}

export interface EvidenceSource<Evidence> {
  /** direct_invocation: everything about one resource, read in parallel where it can be. */
  gather(aws: AwsClients, resource: Resource, window: TimeWindow): Promise<GatheredEvidence<Evidence>>;
  /**
   * agent_tools: the same reads as tools, for the lead and this specialist's conversation. A model
   * names a resource by name; `resources` (those discovery found) give its ARN when a read needs it.
   */
  factTools(aws: AwsClients, window: TimeWindow, timeoutMs: number, resources: readonly Resource[]): FactToolSet<Evidence>;
  /** The report's facts about one resource. */
  facts(evidence: Evidence): Fact[];
  /**
   * Resources the evidence shows behind this one, each with `via`: known only once it is read (a
   * callee the logs show throttled), so discovery cannot follow to them.
   */
  behind?(evidence: Evidence): Resource[];
}

export interface GatheredEvidence<Evidence> {
  evidence: Evidence;
  /** The error of each read that failed; the evidence lacks that part. */
  failures: unknown[];
  /** Every read failed: nothing at all is known of the resource. */
  nothingRead: boolean;
}

export interface FactToolSet<Evidence> {
  tools: AgentTool[];
  /** What the tools have read so far, one per resource, in the order resources were first asked about. */
  read(): Array<{ name: string; evidence: Evidence }>;
  /** The errors of reads that failed and were not read again since: what the evidence lacks. */
  failures(): unknown[];
}

/** One resource's evidence, with the specialist that read it and makes facts and advice of it. */
export interface SpecialistEvidence {
  specialist: ResourceSpecialist;
  /** The resource's name, as its root-cause descriptions name it. */
  name: string;
  evidence: unknown;
}
