import type { NormalizedAlarm } from '../producer/alarm.js';
import {
  type Fact,
  type Failure,
  type Hypothesis,
  type OrchestratorType,
  type Report,
  type Resource,
  type RootCause,
  summarize,
  type Usage,
  ZERO_USAGE,
} from './report.js';

/** What an investigation found; the report adds identity, timing and status around it. */
export interface ReportBody {
  resources: Resource[];
  facts: Fact[];
  hypotheses: Hypothesis[];
  root_cause: RootCause | null;
  advice: string[];
  usage: Usage;
  warnings: string[];
  missing_facts?: string[];
}

export const EMPTY_REPORT_BODY: ReportBody = {
  resources: [],
  facts: [],
  hypotheses: [],
  root_cause: null,
  advice: [],
  usage: ZERO_USAGE,
  warnings: [],
};

export interface ReportHeader {
  investigationId: string;
  orchestratorType: OrchestratorType;
  /** Null when a job was too malformed to carry a usable alarm. */
  alarm: NormalizedAlarm | null;
  startedAt: Date;
  durationSeconds: number;
  /** Null for a completed investigation; the reason for a failed one. */
  failure: Failure | null;
}

export function buildReport(header: ReportHeader, body: ReportBody): Report {
  const base = {
    investigation_id: header.investigationId,
    orchestrator_type: header.orchestratorType,
    status: header.failure === null ? ('completed' as const) : ('failed' as const),
    error: header.failure?.message ?? null,
    error_kind: header.failure?.kind ?? null,
    started_at: header.startedAt.toISOString(),
    duration_seconds: header.durationSeconds,
    alarm: header.alarm,
    ...body,
  };
  return { ...base, summary: summarize(base) };
}
