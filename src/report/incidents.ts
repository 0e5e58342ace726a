import { primaryResource, type Report } from './report.js';

/** One incident of a listing: the reports that share a `related.incident_id` (a report without one is an incident alone). */
export interface IncidentSummary {
  incident_id: string;
  /** `lambda orders-api (us-east-1, 123456789012)`; the report's first resource without `related`; null without any. */
  resource: string | null;
  /** The alarm of the earliest investigation listed. */
  first_alarm: string | null;
  investigations: number;
  /** Conclusions and how many reached each: a root-cause type, `not determined`, or `failed`, the most frequent first. */
  root_causes: Record<string, number>;
  first_started_at: string;
  last_started_at: string;
  span_seconds: number;
}

function conclusion(report: Report): string {
  if (report.status === 'failed') return 'failed';
  return report.root_cause?.type ?? 'not determined';
}

function resourceOf(report: Report): string | null {
  if (report.related) return report.related.resource;
  const resource = primaryResource(report);
  return resource ? `${resource.type} ${resource.name}` : null;
}

/**
 * The reports grouped by incident, the earliest incident first. Shadow runs are left out: they
 * repeat an investigation for `compare`, they are not alarms.
 */
export function groupIncidents(reports: Iterable<Report>): IncidentSummary[] {
  const groups = new Map<string, Report[]>();
  for (const report of reports) {
    if (report.shadow === true) continue;
    const id = report.related?.incident_id ?? report.investigation_id;
    const group = groups.get(id);
    if (group) group.push(report);
    else groups.set(id, [report]);
  }
  const summaries = [...groups].map(([incident_id, members]): IncidentSummary => {
    const sorted = members.sort((a, b) => a.started_at.localeCompare(b.started_at));
    const first = sorted[0] as Report;
    const last = sorted.at(-1) as Report;
    const counts = new Map<string, number>();
    for (const report of sorted) counts.set(conclusion(report), (counts.get(conclusion(report)) ?? 0) + 1);
    return {
      incident_id,
      resource: resourceOf(first),
      first_alarm: first.alarm?.name ?? null,
      investigations: sorted.length,
      root_causes: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])),
      first_started_at: first.started_at,
      last_started_at: last.started_at,
      span_seconds: Math.max(0, (Date.parse(last.started_at) - Date.parse(first.started_at)) / 1000),
    };
  });
  return summaries.sort((a, b) => a.first_started_at.localeCompare(b.first_started_at));
}

function span(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3_600).toFixed(1)} h`;
}

/**
 * `2024-03-12T10:20:00.000Z +14 min incident inv-… lambda orders-api (…): 15 investigations, first
 * alarm orders-api-errors; timeout 14, code_error 1`.
 */
export function formatIncidentLine(incident: IncidentSummary): string {
  const causes = Object.entries(incident.root_causes)
    .map(([cause, count]) => `${cause} ${count}`)
    .join(', ');
  const count = `${incident.investigations} investigation${incident.investigations === 1 ? '' : 's'}`;
  return (
    `${incident.first_started_at} +${span(incident.span_seconds)} incident ${incident.incident_id} ${incident.resource ?? 'no resource'}: ` +
    `${count}, first alarm ${incident.first_alarm ?? 'unknown alarm'}; ${causes}`
  );
}
