import { type Report, relatedCount } from '../report.js';
import type { RolloutChangeNotice } from '../rollout-change-notice.js';

/** Where a report stands in its incident, as notify has seen it (when it mutes repeats). */
export interface IncidentStanding {
  incident_id: string;
  resource: string;
  /** The most alarms of the incident that any report notify has handled had seen (itself included). */
  alarms: number;
  /** `timeout (completed)`: what a later report must differ in to be sent. */
  conclusion: string;
}

/**
 * What a sink is given to deliver: a published report (with its standing in its incident when
 * notify mutes repeats), or a change of the rollout (a rollback).
 */
export type Notice =
  | { kind: 'report'; report: Report; standing?: IncidentStanding }
  | { kind: 'rollout_change'; change: RolloutChangeNotice };

/**
 * The `Idempotency-Key` a receiver dedupes on: the investigation ID for a report (a report may be
 * delivered more than once), the change's time for a rollout change.
 */
export function idempotencyKey(notice: Notice): string {
  return notice.kind === 'report' ? notice.report.investigation_id : `rollout-change-${notice.change.at}`;
}

const confidence = (value: number) => value.toFixed(2);

/** The alarm's name, or what stands for it in a report of a job too malformed to carry one. */
export function alarmName(report: Report): string {
  return report.alarm?.name ?? 'unknown alarm';
}

/** What the headline says after the alarm's name: `: timeout (confidence 0.85)`, `: investigation failed`. */
export function headlineVerdict(report: Report): string {
  if (report.status === 'failed') return ': investigation failed';
  const cause = report.root_cause;
  return cause ? `: ${cause.type} (confidence ${confidence(cause.confidence)})` : ': root cause not determined';
}

/** The headline of a report: alarm and root cause, or alarm and why the investigation failed. */
export function reportHeadline(report: Report): string {
  return `${alarmName(report)}${headlineVerdict(report)}`;
}

/**
 * Where the report stands in its incident, when other alarms of its resource came before it:
 * `alarm 15 on lambda orders-api (…) in this incident: 14 earlier, the first investigation abc`.
 * When notify mutes repeats, a later report is sent only for a new conclusion, and says so:
 * `alarm 9 of incident abc on lambda orders-api (…) (15 alarms so far), sent for its conclusion code_error (completed); …`.
 */
export function incidentLine(report: Report, standing?: IncidentStanding): string | null {
  const related = report.related;
  const earlier = related ? relatedCount(related) : 0;
  if (standing && standing.alarms > 1) {
    return (
      `alarm ${earlier + 1} of incident ${standing.incident_id} on ${standing.resource} (${standing.alarms} alarms so far), ` +
      `sent for its conclusion ${standing.conclusion}; alarms repeating a conclusion already sent are muted`
    );
  }
  if (!related || earlier === 0) return null;
  return `alarm ${earlier + 1} on ${related.resource} in this incident: ${earlier} earlier, the first investigation ${related.incident_id}`;
}

function rolloutChangeLine(change: RolloutChangeNotice): string {
  const by = change.automatic ? `the rollout guard (${change.who})` : change.who;
  const fields = change.changes.map((entry) => `${entry.field} ${entry.old ?? '(unset)'} → ${entry.new}`).join(', ');
  return `PromptRCA rollout changed by ${by}: ${fields || 'no field changed'}${change.reason ? ` (${change.reason})` : ''}`;
}

/** The one line an on-call engineer reads (a notification's preview, a pager's text). */
export function noticeText(notice: Notice): string {
  if (notice.kind === 'rollout_change') return rolloutChangeLine(notice.change);
  const { report } = notice;
  const detail = report.status === 'failed' ? (report.error ?? 'no error given') : (report.root_cause?.description ?? '');
  return `${reportHeadline(report)}${detail ? ` — ${detail}` : ''} [investigation ${report.investigation_id}]`;
}
