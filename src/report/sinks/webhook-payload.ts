import type { Notice } from './notice.js';
import { incidentLine, noticeText } from './notice.js';

/**
 * The generic webhook's JSON body. A report: its identity, alarm, root cause, summary and the
 * other investigations of its resource (`related`, null without) at the top for routing rules, the line a person reads, and the whole report. A rollout change: `event`
 * says which, and the change as audited.
 */
export function webhookPayload(notice: Notice): Record<string, unknown> {
  const text = noticeText(notice);
  if (notice.kind === 'rollout_change') return { event: 'rollout_change', text, change: notice.change };
  const { report } = notice;
  return {
    event: 'report',
    investigation_id: report.investigation_id,
    orchestrator_type: report.orchestrator_type,
    status: report.status,
    alarm: { name: report.alarm?.name ?? null, region: report.alarm?.region ?? null, account: report.alarm?.account ?? null },
    root_cause: report.root_cause,
    summary: report.summary,
    // One incident, not fifteen: receivers may group or mute by `related.incident_id`.
    related: report.related ?? null,
    incident: incidentLine(report, notice.standing),
    text,
    report,
  };
}
