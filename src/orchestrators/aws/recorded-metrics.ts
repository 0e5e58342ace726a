import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { RecordedCall, Recording } from './recording.js';

/**
 * A per-metric entry: `{ service: "cloudwatch", command: "GetMetricData", input: { Namespace,
 * MetricName, Dimensions, Stat? }, output: { Timestamps, Values } }`. It answers every query of a
 * GetMetricData call for that metric, so a recording holds no assumption about how queries are
 * batched or what their Ids are, and recordings of different functions merge without colliding.
 */
const MetricEntryInput = z.object({
  Namespace: z.string(),
  MetricName: z.string(),
  Dimensions: z.array(z.object({ Name: z.string(), Value: z.string() })).default([]),
  Stat: z.string().optional(),
});
type MetricEntryInput = z.infer<typeof MetricEntryInput>;

const MetricEntryOutput = z.object({
  Timestamps: z.array(z.unknown()).default([]),
  Values: z.array(z.number()).default([]),
});

const MetricQuery = z.object({
  Id: z.string(),
  MetricStat: z.object({
    Metric: z.object({
      Namespace: z.string(),
      MetricName: z.string(),
      Dimensions: z.array(z.object({ Name: z.string(), Value: z.string() })).default([]),
    }),
    Stat: z.string(),
  }),
});
type MetricQuery = z.infer<typeof MetricQuery>;

interface MetricEntry {
  input: MetricEntryInput;
  output: z.infer<typeof MetricEntryOutput>;
}

function metricEntries(recording: Recording): MetricEntry[] {
  return recording.calls.flatMap((call) => {
    if (call.service !== 'cloudwatch' || call.command !== 'GetMetricData' || !('MetricName' in call.input)) return [];
    const input = MetricEntryInput.safeParse(call.input);
    const output = MetricEntryOutput.safeParse(call.output ?? {});
    return input.success && output.success ? [{ input: input.data, output: output.data }] : [];
  });
}

const dimensionSet = (dimensions: readonly { Name: string; Value: string }[]) =>
  dimensions.map(({ Name, Value }) => `${Name}=${Value}`).sort();

function answers(entry: MetricEntryInput, query: MetricQuery): boolean {
  const { Metric, Stat } = query.MetricStat;
  return (
    entry.Namespace === Metric.Namespace &&
    entry.MetricName === Metric.MetricName &&
    isDeepStrictEqual(dimensionSet(entry.Dimensions), dimensionSet(Metric.Dimensions)) &&
    (entry.Stat === undefined || entry.Stat === Stat)
  );
}

/**
 * GetMetricData answered query by query from the recording's per-metric entries (dimensions
 * compared as a set; a recorded Stat must equal the query's), a query no entry answers getting no
 * values; or null when no entry answers any of the call's queries, so that the whole-call rule applies.
 */
export function answerMetricQueries(recording: Recording, input: object): Record<string, unknown> | null {
  const queries = z.array(z.unknown()).safeParse((input as { MetricDataQueries?: unknown }).MetricDataQueries);
  const entries = metricEntries(recording);
  if (!queries.success || entries.length === 0) return null;
  let answered = false;
  const results = queries.data.flatMap((raw) => {
    const query = MetricQuery.safeParse(raw);
    if (!query.success) return [];
    const entry = entries.find((candidate) => answers(candidate.input, query.data));
    if (entry) answered = true;
    return [
      {
        Id: query.data.Id,
        Label: query.data.MetricStat.Metric.MetricName,
        Timestamps: entry?.output.Timestamps ?? [],
        Values: entry?.output.Values ?? [],
        StatusCode: 'Complete',
      },
    ];
  });
  return answered ? { MetricDataResults: results, Messages: [] } : null;
}

const RecordedResults = z.object({
  MetricDataResults: z.array(
    z.object({ Id: z.string(), Timestamps: z.array(z.unknown()).default([]), Values: z.array(z.number()).default([]) }),
  ),
});

/**
 * What `--record` keeps of a GetMetricData call: one per-metric entry per query (its metric, its
 * dimensions, its Stat, and the values it got), so that the recording answers the same metrics
 * however a later run batches them. Null when the call holds queries of another kind (metric math),
 * which are then recorded whole.
 */
export function perMetricEntries(input: object, output: object): RecordedCall[] | null {
  const queries = z.array(MetricQuery).safeParse((input as { MetricDataQueries?: unknown }).MetricDataQueries);
  const results = RecordedResults.safeParse(output);
  if (!queries.success || !results.success) return null;
  return queries.data.map(({ Id, MetricStat: { Metric, Stat } }) => {
    const result = results.data.MetricDataResults.find((candidate) => candidate.Id === Id);
    return {
      service: 'cloudwatch',
      command: 'GetMetricData',
      input: { Namespace: Metric.Namespace, MetricName: Metric.MetricName, Dimensions: Metric.Dimensions, Stat },
      output: { Timestamps: result?.Timestamps ?? [], Values: result?.Values ?? [] },
    };
  });
}
