import { type Report, relatedCount } from './report.js';

/** ` · related: 14 other investigations of lambda orders-api (…)`, or nothing when there are none. */
function relatedPart(report: Report, later: number): string {
  const others = (report.related ? relatedCount(report.related) : 0) + later;
  if (!report.related || others === 0) return '';
  return ` · related: ${others} other investigation${others === 1 ? '' : 's'} of ${report.related.resource} (incident ${report.related.incident_id})`;
}

/**
 * One line per report, tagged with its orchestrator (and `shadow` for a shadow run's), for `promptrca
 * results`. `later`: reports of the same incident listed after it, which its own `related` cannot name.
 */
export function formatReportLine(report: Report, later = 0): string {
  return `${reportLine(report)}${relatedPart(report, later)}`;
}

function reportLine(report: Report): string {
  const tag = report.shadow === true ? `${report.orchestrator_type} shadow` : report.orchestrator_type;
  const head = `${report.started_at} [${tag}] ${report.investigation_id} ${report.status}`;
  const cost = `(${report.duration_seconds.toFixed(2)} s, ${report.usage.total_tokens} tokens)`;
  const alarm = report.alarm ? ` ${report.alarm.name}` : '';
  if (report.status === 'failed') return `${head} ${cost}${alarm}: ${report.error ?? 'no error given'}`;
  const cause = report.root_cause
    ? `${report.root_cause.type} ${report.root_cause.confidence.toFixed(2)} ${cost}${alarm}: ${report.root_cause.description}`
    : `root cause not determined ${cost}${alarm}`;
  return `${head} ${cause}`;
}
