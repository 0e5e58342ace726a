import { z } from 'zod';
import type { AlarmFields } from './alarm.js';
import { AlarmDetailSchema, alarmDetailFields } from './eventbridge-alarm.js';

/** What CloudWatch sends when an alarm action invokes a Lambda function directly. */
export const LambdaAlarmActionSchema = z
  .object({
    alarmArn: z.string().optional(),
    accountId: z.string().optional(),
    region: z.string().optional(),
    alarmData: AlarmDetailSchema,
  })
  .transform(
    (payload): AlarmFields => ({
      ...alarmDetailFields(payload.alarmData),
      arn: payload.alarmArn ?? null,
      region: payload.region ?? null,
      account: payload.accountId ?? null,
    }),
  );
