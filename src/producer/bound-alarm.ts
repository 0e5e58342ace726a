import type { MetricRef, NormalizedAlarm } from './alarm.js';
import { boundAlarmName, boundAlarmText, boundDimensions, MAX_ALARM_METRICS } from './alarm-text.js';

function boundNameOrNull(name: string | null): string | null {
  return name === null ? null : boundAlarmName(name);
}

function boundMetric(metric: MetricRef): MetricRef {
  return {
    namespace: boundNameOrNull(metric.namespace),
    metric: boundNameOrNull(metric.metric),
    dimensions: boundDimensions(metric.dimensions),
  };
}

/**
 * The alarm with every text and name bounded (alarm-text.ts), before any of it names a resource to
 * read or enters a prompt or a report. Applied at parse, and again to each job a worker takes, since
 * a job may have been written by another program.
 */
export function boundAlarm(alarm: NormalizedAlarm): NormalizedAlarm {
  return {
    ...alarm,
    name: boundAlarmName(alarm.name),
    arn: boundNameOrNull(alarm.arn),
    reason: boundAlarmText(alarm.reason),
    region: boundNameOrNull(alarm.region),
    account: boundNameOrNull(alarm.account),
    namespace: boundNameOrNull(alarm.namespace),
    metric: boundNameOrNull(alarm.metric),
    dimensions: boundDimensions(alarm.dimensions),
    children: alarm.children.slice(0, MAX_ALARM_METRICS).map(boundAlarmName),
    metrics: alarm.metrics.slice(0, MAX_ALARM_METRICS).map(boundMetric),
  };
}
