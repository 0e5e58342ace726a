import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { AWS_SERVICES, type AwsClients } from '../aws/clients.js';
import type { TimeWindow } from '../investigation-window.js';
import { type FactToolOptions, runFactCall } from './fact-call.js';

export const DEFAULT_METRIC_PERIOD_SECONDS = 60;

export interface MetricQuery {
  /** The query's Id: lower case, unique within the call. */
  id: string;
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  stat: string;
}

/** Each query's values over the window, by Id: one GetMetricData call for all of them. */
export async function fetchMetricValues(
  aws: AwsClients,
  queries: readonly MetricQuery[],
  window: TimeWindow,
  options: FactToolOptions & { periodSeconds?: number } = {},
): Promise<Map<string, number[]>> {
  const command = new GetMetricDataCommand({
    StartTime: new Date(window.startTime),
    EndTime: new Date(window.endTime),
    MetricDataQueries: queries.map(({ id, namespace, metric, dimensions, stat }) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: namespace,
          MetricName: metric,
          Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: options.periodSeconds ?? DEFAULT_METRIC_PERIOD_SECONDS,
        Stat: stat,
      },
      ReturnData: true,
    })),
  });
  const answer = await runFactCall(
    { service: AWS_SERVICES.cloudwatch.name, command: 'GetMetricData', timeoutMs: options.timeoutMs },
    (sendOptions) => aws.cloudwatch.send(command, sendOptions),
  );
  return new Map((answer.MetricDataResults ?? []).map((result) => [result.Id ?? '', result.Values ?? []]));
}

export function sumOrNull(values: readonly number[] | undefined): number | null {
  return values?.length ? values.reduce((total, value) => total + value, 0) : null;
}

export function maxOrNull(values: readonly number[] | undefined): number | null {
  return values?.length ? Math.max(...values) : null;
}
