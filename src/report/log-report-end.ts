import type { Logger } from 'winston';
import type { Report } from './report.js';

/**
 * The documented closing lines of an investigation: `Root Cause Confidence: x`, then the summary as one
 * JSON line for Logs Insights (`stats avg(duration_seconds) by orchestrator_type`). Logged once per
 * report, where it is final (a worker publishing it, `investigate` printing it), so an attempt that
 * is retried adds nothing to those statistics.
 */
export function logReportEnd(log: Logger, report: Report): void {
  const fields = { investigation_id: report.investigation_id, orchestrator_type: report.orchestrator_type };
  log.info(`Root Cause Confidence: ${report.summary.root_cause_confidence.toFixed(2)}`, {
    ...fields,
    root_cause_type: report.root_cause?.type ?? null,
  });
  log.info('investigation summary', { ...fields, ...report.summary });
}
