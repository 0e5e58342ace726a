import type { Logger } from 'winston';
import type { NormalizedAlarm } from '../producer/alarm.js';
import type { ReportBody } from '../report/build-report.js';
import type { OrchestratorType } from '../report/report.js';

export interface InvestigationRequest {
  investigationId: string;
  alarm: NormalizedAlarm;
  /** Cancels outstanding AWS and LLM calls, e.g. when a worker must stop at once. */
  signal?: AbortSignal;
}

/** What an orchestrator found; the report adds identity, timing and status around it. */
export type Findings = ReportBody;

export interface Orchestrator {
  readonly type: OrchestratorType;
  investigate(request: InvestigationRequest, log: Logger): Promise<Findings>;
}
