import { GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { AWS_SERVICES, type AwsClients } from '../../../aws/clients.js';
import { type FactToolOptions, runFactCall } from '../../../facts/fact-call.js';
import type { MetricSummary } from '../evidence.js';

export const DEFAULT_METRIC_PERIOD_SECONDS = 60;

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

function metricDataQueries(functionName: string, periodSeconds: number): MetricDataQuery[] {
  return QUERIES.map(({ id, metric, stat }) => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: functionName }] },
      Period: periodSeconds,
      Stat: stat,
    },
    ReturnData: true,
  }));
}

function valuesOf(results: MetricDataResult[], id: string): number[] {
  return results.find((result) => result.Id === id)?.Values ?? [];
}

function sumOrNull(values: number[]): number | null {
  return values.length ? values.reduce((total, value) => total + value, 0) : null;
}

function maxOrNull(values: number[]): number | null {
  return values.length ? Math.max(...values) : null;
}

/** Errors, throttles and invocations summed, and the longest duration, over the window: one GetMetricData. */
export async function fetchLambdaMetrics(clients: AwsClients, query: LambdaMetricsQuery): Promise<MetricSummary> {
  const command = new GetMetricDataCommand({
    StartTime: new Date(query.startTime),
    EndTime: new Date(query.endTime),
    MetricDataQueries: metricDataQueries(query.functionName, query.periodSeconds ?? DEFAULT_METRIC_PERIOD_SECONDS),
  });
  const answer = await runFactCall(
    { service: AWS_SERVICES.cloudwatch.name, command: 'GetMetricData', timeoutMs: query.timeoutMs },
    (options) => clients.cloudwatch.send(command, options),
  );
  const results = answer.MetricDataResults ?? [];
  return {
    errors: sumOrNull(valuesOf(results, 'errors')),
    throttles: sumOrNull(valuesOf(results, 'throttles')),
    invocations: sumOrNull(valuesOf(results, 'invocations')),
    maxDurationMs: maxOrNull(valuesOf(results, 'duration_max')),
  };
}
