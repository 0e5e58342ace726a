import type { NormalizedAlarm } from '../producer/alarm.js';
import { summarize, ZERO_USAGE, type OrchestratorType, type Report } from './report.js';

export interface FailedInvestigation {
  investigationId: string;
  orchestratorType: OrchestratorType;
  /** Null when the job was too malformed to carry a usable alarm. */
  alarm: NormalizedAlarm | null;
  error: string;
}

/** The report of an investigation that never ran its orchestrator, so that no failure is silent. */
export function failedReport(failure: FailedInvestigation, now: Date = new Date()): Report {
  const base = {
    investigation_id: failure.investigationId,
    orchestrator_type: failure.orchestratorType,
    status: 'failed' as const,
    error: failure.error,
    started_at: now.toISOString(),
    duration_seconds: 0,
    alarm: failure.alarm,
    resources: [],
    facts: [],
    hypotheses: [],
    root_cause: null,
    advice: [],
    usage: ZERO_USAGE,
  };
  return { ...base, summary: summarize(base) };
}
