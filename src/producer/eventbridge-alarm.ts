import { z } from 'zod';
import type { AlarmFields, MetricRef } from './alarm.js';
import { ALARM_STATES } from './alarm.js';

export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

const MetricEntrySchema = z.object({
  expression: z.string().optional(),
  metricStat: z
    .object({
      metric: z.object({
        namespace: z.string().optional(),
        name: z.string().optional(),
        dimensions: z.record(z.string(), z.string()).default({}),
      }),
    })
    .optional(),
});

/** ReasonData is free-form per alarm type; only a composite alarm's names the children that fired. */
const TriggeringAlarmsSchema = z.object({ triggeringAlarms: z.array(z.object({ arn: z.string() })) });

function triggeringAlarmArns(reasonData: string | undefined): string[] {
  if (reasonData === undefined) return [];
  try {
    const parsed = TriggeringAlarmsSchema.safeParse(JSON.parse(reasonData));
    return parsed.success ? parsed.data.triggeringAlarms.map((alarm) => alarm.arn) : [];
  } catch {
    return [];
  }
}

/**
 * The alarm block shared by EventBridge (`detail`) and the Lambda alarm action (`alarmData`):
 * lower-camel keys, dimensions as an object map, metric name under `name`.
 */
export const AlarmDetailSchema = z.object({
  alarmName: z.string().min(1),
  state: z.object({
    value: z.enum(ALARM_STATES),
    reason: z.string().default(''),
    reasonData: z.string().optional(),
    timestamp: z.string(),
  }),
  previousState: z.object({ value: z.enum(ALARM_STATES) }).optional(),
  configuration: z
    .object({
      metrics: z.array(MetricEntrySchema).default([]),
      alarmRule: z.string().optional(),
    })
    .default({ metrics: [] }),
});
type AlarmDetail = z.infer<typeof AlarmDetailSchema>;

export function alarmDetailFields(detail: AlarmDetail): Omit<AlarmFields, 'arn' | 'region' | 'account'> {
  const { metrics, alarmRule } = detail.configuration;
  return {
    name: detail.alarmName,
    state: detail.state.value,
    previous_state: detail.previousState?.value ?? null,
    reason: detail.state.reason,
    time: detail.state.timestamp,
    metrics: metrics.flatMap((entry): MetricRef[] =>
      entry.metricStat
        ? [
            {
              namespace: entry.metricStat.metric.namespace ?? null,
              metric: entry.metricStat.metric.name ?? null,
              dimensions: entry.metricStat.metric.dimensions,
            },
          ]
        : [],
    ),
    metricMath: metrics.some((entry) => entry.expression !== undefined),
    alarmRule: alarmRule ?? null,
    triggeringChildren: triggeringAlarmArns(detail.state.reasonData),
  };
}

/** An EventBridge "CloudWatch Alarm State Change" event, delivered as is (no InputTransformer). */
export const EventBridgeAlarmSchema = z
  .object({
    account: z.string().optional(),
    region: z.string().optional(),
    resources: z.array(z.string()).default([]),
    detail: AlarmDetailSchema,
  })
  .transform(
    (event): AlarmFields => ({
      ...alarmDetailFields(event.detail),
      arn: event.resources.find((resource) => resource.includes(':alarm:')) ?? null,
      region: event.region ?? null,
      account: event.account ?? null,
    }),
  );
