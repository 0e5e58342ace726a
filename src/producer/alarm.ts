import { z } from 'zod';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** Which wire shape the alarm arrived in; kept for logs and for the job's `source`. */
export const ALARM_FORMATS = ['eventbridge', 'sns', 'sns-in-sqs', 'lambda-alarm-action', 'manual'] as const;
export type AlarmFormat = (typeof ALARM_FORMATS)[number];

/** The documented normalised alarm: every wire shape is reduced to this. */
export const NormalizedAlarmSchema = z.object({
  name: z.string().min(1),
  arn: z.string().nullable(),
  state: z.enum(ALARM_STATES),
  previous_state: z.enum(ALARM_STATES).nullable(),
  reason: z.string(),
  region: z.string().nullable(),
  account: z.string().nullable(),
  namespace: z.string().nullable(),
  metric: z.string().nullable(),
  dimensions: z.record(z.string(), z.string()),
  time: z.string(),
  format: z.enum(ALARM_FORMATS),
  /** Composite alarms: the child alarms the event names (name or ARN), to follow for resources. */
  children: z.array(z.string()),
  /** Every metric a metric-math or composite alarm names, beyond the main one. */
  metrics: z.array(
    z.object({
      namespace: z.string().nullable(),
      metric: z.string().nullable(),
      dimensions: z.record(z.string(), z.string()),
    }),
  ),
});
export type NormalizedAlarm = z.infer<typeof NormalizedAlarmSchema>;

export type MetricRef = NormalizedAlarm['metrics'][number];

/** What every wire shape says about an alarm, in one vocabulary, before normalisation. */
export interface AlarmFields {
  name: string;
  arn: string | null;
  state: AlarmState;
  previous_state: AlarmState | null;
  reason: string;
  region: string | null;
  account: string | null;
  /** As the wire wrote it. */
  time: string;
  /** Every metricStat of the alarm's definition, in order. */
  metrics: MetricRef[];
  /** The definition holds expressions (metric math, anomaly band) over those metrics. */
  metricMath: boolean;
  alarmRule: string | null;
  triggeringChildren: string[];
}
