import type { AwsClients } from '../../../aws/clients.js';
import type { FactToolOptions } from '../../../facts/fact-call.js';
import { fetchMetricValues, type MetricQuery, maxOrNull, sumOrNull } from '../../../facts/metric-data.js';
import type { MetricSummary } from '../evidence.js';

export interface LambdaMetricsQuery extends FactToolOptions {
  functionName: string;
  /** Epoch milliseconds. */
  startTime: number;
  endTime: number;
  periodSeconds?: number;
}

const QUERIES = [
  { id: 'errors', metric: 'Errors', stat: 'Sum' },
  { id: 'throttles', metric: 'Throttles', stat: 'Sum' },
  { id: 'invocations', metric: 'Invocations', stat: 'Sum' },
  { id: 'duration_max', metric: 'Duration', stat: 'Maximum' },
] as const;

/** Errors, throttles and invocations summed, and the longest duration, over the window: one GetMetricData. */
export async function fetchLambdaMetrics(clients: AwsClients, query: LambdaMetricsQuery): Promise<MetricSummary> {
  const queries: MetricQuery[] = QUERIES.map(({ id, metric, stat }) => ({
    id,
    namespace: 'AWS/Lambda',
    metric,
    stat,
    dimensions: { FunctionName: query.functionName },
  }));
  const values = await fetchMetricValues(clients, queries, query, query);
  return {
    errors: sumOrNull(values.get('errors')),
    throttles: sumOrNull(values.get('throttles')),
    invocations: sumOrNull(values.get('invocations')),
    maxDurationMs: maxOrNull(values.get('duration_max')),
  };
}
