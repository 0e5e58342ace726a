import { relatedCount } from '../related-investigations.js';
import type { Report } from '../report.js';
import type { RolloutChangeNotice } from '../rollout-change-notice.js';

/** What a sink is given to deliver: a published report, or a change of the rollout (a rollback). */
export type Notice = { kind: 'report'; report: Report } | { kind: 'rollout_change'; change: RolloutChangeNotice };

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

/** The headline of a report: alarm and root cause, or alarm and why the investigation failed. */
export function reportHeadline(report: Report): string {
  if (report.status === 'failed') return `${alarmName(report)}: investigation failed`;
  const cause = report.root_cause;
  return cause
    ? `${alarmName(report)}: ${cause.type} (confidence ${confidence(cause.confidence)})`
    : `${alarmName(report)}: root cause not determined`;
}

/**
 * Where the report stands in its incident, when other alarms of its resource came before it:
 * `alarm 15 on lambda orders-api (…) in this incident: 14 earlier, the first investigation abc`.
 */
export function incidentLine(report: Report): string | null {
  const related = report.related;
  const earlier = related ? relatedCount(related) : 0;
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
