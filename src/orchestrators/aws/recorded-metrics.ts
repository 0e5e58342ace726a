import { isDeepStrictEqual } from 'node:util';
import type { RecordedCall, Recording } from './recording.js';

interface MetricStatQuery {
  Id?: string;
  Label?: string;
  MetricStat?: {
    Metric?: { Namespace?: string; MetricName?: string; Dimensions?: Array<{ Name?: string; Value?: string }> };
    Stat?: string;
  };
}

/** A per-metric entry: `input` names one metric (Namespace, MetricName, Dimensions, Stat?), `output` its series. */
export function isPerMetricEntry(call: RecordedCall): boolean {
  return call.service === 'cloudwatch' && call.command === 'GetMetricData' && typeof call.input.MetricName === 'string';
}

function dimensionSet(dimensions: unknown): string[] {
  return (Array.isArray(dimensions) ? dimensions : []).map((d: { Name?: unknown; Value?: unknown }) => `${d?.Name}=${d?.Value}`).sort();
}

function answers(entry: RecordedCall, query: MetricStatQuery): boolean {
  const stat = query.MetricStat;
  const metric = stat?.Metric;
  const input = entry.input;
  return (
    input.Namespace === metric?.Namespace &&
    input.MetricName === metric?.MetricName &&
    isDeepStrictEqual(dimensionSet(input.Dimensions), dimensionSet(metric?.Dimensions)) &&
    (input.Stat === undefined || input.Stat === stat?.Stat)
  );
}

/**
 * GetMetricData answered query by query from per-metric entries, so a recording does not depend on
 * how a call batches its queries or names their Ids; a query no entry answers gets no values.
 * Null when no per-metric entry answers any query of the call, so that a whole-call entry (or, with
 * none, the not-found answer) applies as to any other call.
 */
export function answerMetricQueries(recording: Recording, input: { MetricDataQueries?: MetricStatQuery[] }): object | null {
  const entries = recording.calls.filter(isPerMetricEntry);
  const queries = input.MetricDataQueries ?? [];
  const answered = queries.map((query) => entries.find((entry) => answers(entry, query)));
  if (answered.every((entry) => entry === undefined)) return null;
  const results = queries.map((query, index) => {
    const output = answered[index]?.output ?? {};
    const timestamps = Array.isArray(output.Timestamps) ? output.Timestamps.map((t) => new Date(String(t))) : [];
    const values = Array.isArray(output.Values) ? output.Values : [];
    return { Id: query.Id, Label: query.MetricStat?.Metric?.MetricName, Timestamps: timestamps, Values: values, StatusCode: 'Complete' };
  });
  return { MetricDataResults: results, Messages: [] };
}

/** `--record` writes each query of a GetMetricData call as a per-metric entry. */
export function perMetricEntries(input: { MetricDataQueries?: MetricStatQuery[] }, output: Record<string, unknown>): RecordedCall[] {
  const results = (Array.isArray(output.MetricDataResults) ? output.MetricDataResults : []) as Array<{
    Id?: string;
    Timestamps?: unknown[];
    Values?: unknown[];
  }>;
  return (input.MetricDataQueries ?? []).flatMap((query) => {
    const metric = query.MetricStat?.Metric;
    if (!metric?.MetricName) return [];
    const result = results.find((r) => r.Id === query.Id);
    return [
      {
        service: 'cloudwatch',
        command: 'GetMetricData',
        input: {
          Namespace: metric.Namespace,
          MetricName: metric.MetricName,
          Dimensions: (metric.Dimensions ?? []).map(({ Name, Value }) => ({ Name, Value })),
          ...(query.MetricStat?.Stat ? { Stat: query.MetricStat.Stat } : {}),
        },
        output: { Timestamps: result?.Timestamps ?? [], Values: result?.Values ?? [] },
      },
    ];
  });
}
