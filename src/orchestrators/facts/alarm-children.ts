import { DescribeAlarmsCommand, type Dimension, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { AWS_SERVICES, type AwsClients } from '../aws/clients.js';
import { type FactToolOptions, runFactCall } from './fact-call.js';

/** One metric a child alarm watches: where the composite alarm's resources are found. */
export interface AlarmChildMetric {
  /** The child alarm's name. */
  name: string;
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
}

/** Composite alarm events name children by name or by ARN (`arn:aws:cloudwatch:…:alarm:<name>`). */
function alarmNameOf(nameOrArn: string): string {
  const marker = nameOrArn.startsWith('arn:') ? nameOrArn.indexOf(':alarm:') : -1;
  return marker === -1 ? nameOrArn : nameOrArn.slice(marker + ':alarm:'.length);
}

function dimensionRecord(dimensions: Dimension[] | undefined): Record<string, string> {
  return Object.fromEntries((dimensions ?? []).map((dimension) => [dimension.Name ?? '', dimension.Value ?? '']));
}

function metricsOf(alarm: MetricAlarm): AlarmChildMetric[] {
  const name = alarm.AlarmName ?? '';
  const single =
    alarm.Namespace && alarm.MetricName
      ? [{ name, namespace: alarm.Namespace, metric: alarm.MetricName, dimensions: dimensionRecord(alarm.Dimensions) }]
      : [];
  const mathParts = (alarm.Metrics ?? []).flatMap(({ MetricStat }) => {
    const metric = MetricStat?.Metric;
    return metric?.Namespace && metric.MetricName
      ? [{ name, namespace: metric.Namespace, metric: metric.MetricName, dimensions: dimensionRecord(metric.Dimensions) }]
      : [];
  });
  return [...single, ...mathParts];
}

/** DescribeAlarms of a composite alarm's children: the metrics and dimensions each one watches. */
export async function fetchAlarmChildren(
  clients: AwsClients,
  alarmNames: string[],
  options: FactToolOptions = {},
): Promise<AlarmChildMetric[]> {
  if (alarmNames.length === 0) return [];
  const names = [...new Set(alarmNames.map(alarmNameOf))];
  const children: AlarmChildMetric[] = [];
  let nextToken: string | undefined;
  do {
    const command = new DescribeAlarmsCommand({ AlarmNames: names, NextToken: nextToken });
    const answer = await runFactCall(
      { service: AWS_SERVICES.cloudwatch.name, command: 'DescribeAlarms', timeoutMs: options.timeoutMs },
      (sendOptions) => clients.cloudwatch.send(command, sendOptions),
    );
    children.push(...(answer.MetricAlarms ?? []).flatMap(metricsOf));
    nextToken = answer.NextToken;
  } while (nextToken);
  return children;
}
