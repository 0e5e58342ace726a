import { describe, expect, it } from 'vitest';
import { formatIncidentLine, groupIncidents } from '../src/report/incidents.js';
import type { Report } from '../src/report/report.js';
import { craftReport } from './support/crafted-reports.js';

const at = (minute: number) => new Date(Date.UTC(2024, 2, 12, 10, minute)).toISOString();

function report(id: string, minute: number, incident?: string, extra: Partial<Report> = {}): Report {
  const crafted = craftReport('direct_invocation', { id, startedAt: at(minute) });
  const related = incident
    ? { related: { resource: 'lambda orders-api (us-east-1, 123456789012)', incident_id: incident, investigations: [], more: 0 } }
    : {};
  return { ...crafted, ...related, ...extra };
}

describe('results --incidents grouping', () => {
  it('groups by incident, earliest first, counting conclusions; a report without related is an incident alone; shadow runs are left out', () => {
    const reports = [
      report('b', 30, 'a'),
      report('lone', 5),
      report('a', 2, 'a'),
      report('c', 44, 'a', { root_cause: null }),
      report('d', 40, 'a', { status: 'failed', root_cause: null }),
      report('e', 41, 'a'),
      report('shadow', 3, undefined, { shadow: true }),
    ];
    const incidents = groupIncidents(reports);
    expect(incidents.map((incident) => [incident.incident_id, incident.investigations])).toEqual([
      ['a', 5],
      ['lone', 1],
    ]);
    expect(incidents[0]).toEqual({
      incident_id: 'a',
      resource: 'lambda orders-api (us-east-1, 123456789012)',
      first_alarm: 'manual:checkout-api',
      investigations: 5,
      root_causes: { timeout: 3, failed: 1, 'not determined': 1 },
      first_started_at: at(2),
      last_started_at: at(44),
      span_seconds: 42 * 60,
    });
    expect(Object.keys(incidents[0]?.root_causes ?? {})[0]).toBe('timeout');
    expect(formatIncidentLine(incidents[0]!)).toBe(
      `${at(2)} +42 min incident a lambda orders-api (us-east-1, 123456789012): 5 investigations, first alarm manual:checkout-api; timeout 3, failed 1, not determined 1`,
    );
    expect(formatIncidentLine(incidents[1]!)).toBe(
      `${at(5)} +0 s incident lone lambda checkout-api: 1 investigation, first alarm manual:checkout-api; timeout 1`,
    );
  });
});
