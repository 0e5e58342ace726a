import type { Report } from './report.js';

/** One line per report, tagged with its orchestrator, for `promptrca results`. */
export function formatReportLine(report: Report): string {
  const head = `${report.started_at} [${report.orchestrator_type}] ${report.investigation_id} ${report.status}`;
  const cost = `(${report.duration_seconds.toFixed(2)} s, ${report.usage.total_tokens} tokens)`;
  const alarm = report.alarm ? ` ${report.alarm.name}` : '';
  if (report.status === 'failed') return `${head} ${cost}${alarm}: ${report.error ?? 'no error given'}`;
  const cause = report.root_cause
    ? `${report.root_cause.type} ${report.root_cause.confidence.toFixed(2)} ${cost}${alarm}: ${report.root_cause.description}`
    : `root cause not determined ${cost}${alarm}`;
  return `${head} ${cause}`;
}
