import type { Logger } from 'winston';
import { errorKind } from '../platform/error-kind.js';
import { errorMessage } from '../platform/errors.js';
import { buildReport, EMPTY_REPORT_BODY } from '../report/build-report.js';
import type { Failure, Report } from '../report/report.js';
import { InvestigationFailedError } from './errors.js';
import type { Findings, InvestigationRequest, Orchestrator } from './orchestrator.js';

/**
 * Runs one orchestrator and always returns a report: an orchestrator that throws gives a `failed`
 * report carrying the error, so nothing ends silently. The caller logs the report's closing lines
 * (logReportEnd) once the report is final: a worker's attempt may yet be retried.
 */
export async function runInvestigation(orchestrator: Orchestrator, request: InvestigationRequest, parentLog: Logger): Promise<Report> {
  const log = parentLog.child({
    investigation_id: request.investigationId,
    orchestrator_type: orchestrator.type,
  });
  const startedAt = new Date();
  const startedMs = performance.now();
  let findings: Findings = EMPTY_REPORT_BODY;
  let failure: Failure | null = null;
  try {
    findings = await orchestrator.investigate(request, log);
  } catch (caught) {
    failure = { message: errorMessage(caught), kind: errorKind(caught) };
    if (caught instanceof InvestigationFailedError) findings = { ...EMPTY_REPORT_BODY, usage: caught.usage };
    log.error(`Investigation failed: ${failure.message}`, { error: failure.message, error_kind: failure.kind });
  }
  return buildReport(
    {
      investigationId: request.investigationId,
      orchestratorType: orchestrator.type,
      alarm: request.alarm,
      startedAt,
      durationSeconds: Math.round(performance.now() - startedMs) / 1000,
      failure,
    },
    findings,
  );
}
