import type { Logger } from 'winston';
import { errorMessage } from '../errors.js';
import { summarize, ZERO_USAGE, type Report } from '../report/report.js';
import { InvestigationFailedError, type Findings, type InvestigationRequest, type Orchestrator } from './orchestrator.js';

const NOTHING_FOUND: Findings = {
  resources: [],
  facts: [],
  hypotheses: [],
  root_cause: null,
  advice: [],
  usage: ZERO_USAGE,
  warnings: [],
};

/**
 * Runs one orchestrator and always returns a report: an orchestrator that throws gives a `failed`
 * report carrying the error, so nothing ends silently.
 */
export async function runInvestigation(
  orchestrator: Orchestrator,
  request: InvestigationRequest,
  parentLog: Logger,
): Promise<Report> {
  const log = parentLog.child({
    investigation_id: request.investigationId,
    orchestrator_type: orchestrator.type,
  });
  const startedAt = new Date();
  const startedMs = performance.now();
  let findings = NOTHING_FOUND;
  let error: string | null = null;
  try {
    findings = await orchestrator.investigate(request, log);
  } catch (caught) {
    error = errorMessage(caught);
    if (caught instanceof InvestigationFailedError) findings = { ...NOTHING_FOUND, usage: caught.usage };
    log.error(`Investigation failed: ${error}`, { error });
  }
  const base = {
    investigation_id: request.investigationId,
    orchestrator_type: orchestrator.type,
    status: error === null ? ('completed' as const) : ('failed' as const),
    error,
    started_at: startedAt.toISOString(),
    duration_seconds: Math.round(performance.now() - startedMs) / 1000,
    alarm: request.alarm,
    resources: findings.resources,
    facts: findings.facts,
    hypotheses: findings.hypotheses,
    root_cause: findings.root_cause,
    advice: findings.advice,
    usage: findings.usage,
    warnings: findings.warnings,
  };
  const report: Report = { ...base, summary: summarize(base) };
  log.info(`Root Cause Confidence: ${report.summary.root_cause_confidence.toFixed(2)}`, {
    root_cause_type: report.root_cause?.type ?? null,
  });
  log.info('investigation summary', report.summary);
  return report;
}
