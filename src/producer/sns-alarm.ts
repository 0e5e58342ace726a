import { z } from 'zod';
import type { AlarmFields, MetricRef } from './alarm.js';
import { ALARM_STATES } from './alarm.js';

/** SNS writes dimensions as [{name, value}] (key order varies between messages). */
const SnsDimensionsSchema = z
  .array(z.object({ name: z.string(), value: z.string() }))
  .nullish()
  .transform((dimensions) => Object.fromEntries((dimensions ?? []).map(({ name, value }) => [name, value])));

const SnsMetricEntrySchema = z.object({
  Expression: z.string().nullish(),
  MetricStat: z
    .object({
      Metric: z.object({
        Namespace: z.string().nullish(),
        MetricName: z.string().nullish(),
        Dimensions: SnsDimensionsSchema,
      }),
    })
    .nullish(),
});

/** Composite alarms have no Trigger, and a log alarm neither; both are still alarms. */
const TriggerSchema = z
  .object({
    Namespace: z.string().nullish(),
    MetricName: z.string().nullish(),
    Dimensions: SnsDimensionsSchema,
    Metrics: z.array(SnsMetricEntrySchema).nullish(),
  })
  .nullish();

/** arn:partition:cloudwatch:<region>:<account>:alarm:<name> */
const ARN_FIELD_INDEX = { region: 3, account: 4 } as const;

function arnField(arn: string | null | undefined, field: keyof typeof ARN_FIELD_INDEX): string | null {
  return arn?.split(':')[ARN_FIELD_INDEX[field]] || null;
}

function triggerMetrics(trigger: z.infer<typeof TriggerSchema>): MetricRef[] {
  if (!trigger) return [];
  if (trigger.MetricName) {
    return [{ namespace: trigger.Namespace ?? null, metric: trigger.MetricName, dimensions: trigger.Dimensions }];
  }
  return (trigger.Metrics ?? []).flatMap((entry): MetricRef[] =>
    entry.MetricStat
      ? [
          {
            namespace: entry.MetricStat.Metric.Namespace ?? null,
            metric: entry.MetricStat.Metric.MetricName ?? null,
            dimensions: entry.MetricStat.Metric.Dimensions,
          },
        ]
      : [],
  );
}

/**
 * The alarm JSON CloudWatch publishes to SNS (the envelope's `Message`, or the whole SQS body with
 * raw delivery). `Region` is a display name ("US East (N. Virginia)"), so the region code comes
 * from AlarmArn.
 */
export const SnsAlarmSchema = z
  .object({
    AlarmName: z.string().min(1),
    AlarmArn: z.string().nullish(),
    AWSAccountId: z.string().nullish(),
    NewStateValue: z.enum(ALARM_STATES),
    OldStateValue: z.enum(ALARM_STATES).nullish(),
    NewStateReason: z.string().nullish(),
    StateChangeTime: z.string(),
    Trigger: TriggerSchema,
    AlarmRule: z.string().nullish(),
    TriggeringChildren: z.array(z.union([z.string(), z.object({ Arn: z.string() })])).nullish(),
  })
  .transform(
    (message): AlarmFields => ({
      name: message.AlarmName,
      arn: message.AlarmArn ?? null,
      state: message.NewStateValue,
      previous_state: message.OldStateValue ?? null,
      reason: message.NewStateReason ?? '',
      region: arnField(message.AlarmArn, 'region'),
      account: message.AWSAccountId ?? arnField(message.AlarmArn, 'account'),
      time: message.StateChangeTime,
      metrics: triggerMetrics(message.Trigger),
      metricMath: (message.Trigger?.Metrics ?? []).some((entry) => entry.Expression),
      alarmRule: message.AlarmRule ?? null,
      triggeringChildren: (message.TriggeringChildren ?? []).map((child) => (typeof child === 'string' ? child : child.Arn)),
    }),
  );
