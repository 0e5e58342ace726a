import type { NormalizedAlarm } from '../producer/alarm.js';
import { buildReport, EMPTY_REPORT_BODY } from './build-report.js';
import type { Failure, OrchestratorType, Report } from './report.js';

export interface FailedInvestigation {
  investigationId: string;
  orchestratorType: OrchestratorType;
  /** Null when the job was too malformed to carry a usable alarm. */
  alarm: NormalizedAlarm | null;
  failure: Failure;
}

/** The report of an investigation that never ran its orchestrator, so that no failure is silent. */
export function failedReport(failure: FailedInvestigation, now: Date = new Date()): Report {
  return buildReport({ ...failure, startedAt: now, durationSeconds: 0 }, EMPTY_REPORT_BODY);
}
