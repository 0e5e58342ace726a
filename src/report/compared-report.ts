import type { Report } from './report.js';

/** Something counted, not read: a report's facts and hypotheses as comparison sees them. */
export interface Counted {
  readonly length: number;
}

/**
 * What `compare` and the guard read of a report: identity, outcome, cost and confidence, with the
 * findings only counted. A whole report (facts, log excerpts, evidence) takes kilobytes; this
 * takes a few hundred bytes, so that a million of them fit in memory. Every Report is one.
 */
export interface ComparedReport {
  investigation_id: string;
  orchestrator_type: Report['orchestrator_type'];
  status: Report['status'];
  error: string | null;
  error_kind?: Report['error_kind'];
  started_at: string;
  duration_seconds: number;
  usage: Report['usage'];
  root_cause: { confidence: number } | null;
  facts: Counted;
  hypotheses: Counted;
  shadow?: boolean;
  /** The incident the report belongs to (`related.incident_id`); absent for reports without `related`. */
  incident_id?: string;
}

/** The part of a report that comparison keeps. */
export function comparedReport(report: Report): ComparedReport {
  return {
    investigation_id: report.investigation_id,
    orchestrator_type: report.orchestrator_type,
    status: report.status,
    error: report.error,
    ...(report.error_kind === undefined ? {} : { error_kind: report.error_kind }),
    started_at: report.started_at,
    duration_seconds: report.duration_seconds,
    usage: report.usage,
    root_cause: report.root_cause && { confidence: report.root_cause.confidence },
    facts: { length: report.facts.length },
    hypotheses: { length: report.hypotheses.length },
    ...(report.shadow === undefined ? {} : { shadow: report.shadow }),
    ...(report.related === undefined ? {} : { incident_id: report.related.incident_id }),
  };
}
