import type { Report } from './report.js';

/** One line per report, tagged with its orchestrator (and `shadow` for a shadow run's), for `promptrca results`. */
export function formatReportLine(report: Report): string {
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
