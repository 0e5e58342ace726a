import type { ComparedReport } from './compared-report.js';
import { type CriticalError, criticalErrors } from './critical-errors.js';
import type { OrchestratorType } from './report.js';

export interface DurationStats {
  p50: number;
  p95: number;
  mean: number;
}

export interface OrchestratorStats {
  orchestrator_type: OrchestratorType;
  /** Completed plus failed reports. */
  reports: number;
  completed: number;
  failed: number;
  /** Reports written by this orchestrator running in shadow beside the assigned one. */
  shadow: number;
  /** failed / reports; null without reports. */
  error_rate: number | null;
  // From here on over completed reports only: a failure ends early with few tokens and few facts,
  // which would flatter the orchestrator that fails more. Null without completed reports.
  duration_seconds: DurationStats | null;
  total_tokens_mean: number | null;
  prompt_tokens_mean: number | null;
  completion_tokens_mean: number | null;
  llm_calls_mean: number | null;
  root_cause_confidence_mean: number | null;
  facts_mean: number | null;
  hypotheses_mean: number | null;
}

/** How direct_invocation does against agent_tools; null when either side has nothing to compare. */
export interface Improvement {
  /** 1 − direct / agent_tools of the p50 duration: 0.75 means a quarter of the time. */
  duration_p50_reduction: number | null;
  duration_mean_reduction: number | null;
  /** agent_tools p50 / direct p50: how many times faster. */
  speedup_p50: number | null;
  tokens_mean_reduction: number | null;
  llm_calls_mean_reduction: number | null;
  /** direct − agent_tools. */
  confidence_mean_delta: number | null;
  facts_mean_delta: number | null;
}

export interface Comparison {
  direct_invocation: OrchestratorStats;
  agent_tools: OrchestratorStats;
  improvement: Improvement;
  /** Investigations with a report from each orchestrator (the assigned one and its shadow). */
  pairs: number;
  shadow_reports: number;
  /** Distinct investigations, whatever orchestrators reported on them. */
  investigations: number;
  /**
   * Distinct incidents: investigations of one resource within the related window are one (reports
   * without `related` are an incident each).
   */
  incidents: number;
  critical_errors: CriticalError[];
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Nearest-rank percentile: always a value that was observed. `p` from 0 to 1. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
}

function meanOf(reports: readonly ComparedReport[], value: (report: ComparedReport) => number): number | null {
  return mean(reports.map(value));
}

export function orchestratorStats(type: OrchestratorType, all: readonly ComparedReport[]): OrchestratorStats {
  const reports = all.filter((report) => report.orchestrator_type === type);
  const completed = reports.filter((report) => report.status === 'completed');
  const durations = completed.map((report) => report.duration_seconds);
  const failed = reports.length - completed.length;
  return {
    orchestrator_type: type,
    reports: reports.length,
    completed: completed.length,
    failed,
    shadow: reports.filter((report) => report.shadow === true).length,
    error_rate: reports.length === 0 ? null : failed / reports.length,
    duration_seconds:
      completed.length === 0
        ? null
        : { p50: percentile(durations, 0.5) ?? 0, p95: percentile(durations, 0.95) ?? 0, mean: mean(durations) ?? 0 },
    total_tokens_mean: meanOf(completed, (report) => report.usage.total_tokens),
    prompt_tokens_mean: meanOf(completed, (report) => report.usage.prompt_tokens),
    completion_tokens_mean: meanOf(completed, (report) => report.usage.completion_tokens),
    llm_calls_mean: meanOf(completed, (report) => report.usage.llm_calls),
    root_cause_confidence_mean: meanOf(completed, (report) => report.root_cause?.confidence ?? 0),
    facts_mean: meanOf(completed, (report) => report.facts.length),
    hypotheses_mean: meanOf(completed, (report) => report.hypotheses.length),
  };
}

/** 1 − direct / agent; null when agent_tools is zero (nothing to reduce) or either is missing. */
function reduction(direct: number | null | undefined, agent: number | null | undefined): number | null {
  if (direct === null || direct === undefined || agent === null || agent === undefined || agent === 0) return null;
  return 1 - direct / agent;
}

function difference(direct: number | null, agent: number | null): number | null {
  return direct === null || agent === null ? null : direct - agent;
}

export function improvementOf(direct: OrchestratorStats, agent: OrchestratorStats): Improvement {
  const directP50 = direct.duration_seconds?.p50;
  const agentP50 = agent.duration_seconds?.p50;
  return {
    duration_p50_reduction: reduction(directP50, agentP50),
    duration_mean_reduction: reduction(direct.duration_seconds?.mean, agent.duration_seconds?.mean),
    speedup_p50: directP50 !== undefined && directP50 > 0 && agentP50 !== undefined ? agentP50 / directP50 : null,
    tokens_mean_reduction: reduction(direct.total_tokens_mean, agent.total_tokens_mean),
    llm_calls_mean_reduction: reduction(direct.llm_calls_mean, agent.llm_calls_mean),
    confidence_mean_delta: difference(direct.root_cause_confidence_mean, agent.root_cause_confidence_mean),
    facts_mean_delta: difference(direct.facts_mean, agent.facts_mean),
  };
}

function countPairs(reports: readonly ComparedReport[]): number {
  const direct = new Set(reports.filter((r) => r.orchestrator_type === 'direct_invocation').map((r) => r.investigation_id));
  const agent = new Set(reports.filter((r) => r.orchestrator_type === 'agent_tools').map((r) => r.investigation_id));
  return [...direct].filter((id) => agent.has(id)).length;
}

function countIncidents(reports: readonly ComparedReport[]): { investigations: number; incidents: number } {
  const investigations = new Set(reports.map((r) => r.investigation_id));
  const incidents = new Set(reports.map((r) => r.incident_id ?? r.investigation_id));
  return { investigations: investigations.size, incidents: incidents.size };
}

/** Both orchestrators side by side over the same set of reports (shadow reports included). */
export function compareOrchestrators(reports: readonly ComparedReport[]): Comparison {
  const direct = orchestratorStats('direct_invocation', reports);
  const agent = orchestratorStats('agent_tools', reports);
  return {
    direct_invocation: direct,
    agent_tools: agent,
    improvement: improvementOf(direct, agent),
    pairs: countPairs(reports),
    shadow_reports: direct.shadow + agent.shadow,
    ...countIncidents(reports),
    critical_errors: criticalErrors(reports),
  };
}
