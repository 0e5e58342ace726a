import type { z } from 'zod';
import type { AlarmFields, AlarmFormat, NormalizedAlarm } from './alarm.js';
import { boundAlarmName, MAX_ALARM_METRICS, MAX_ALARM_RULE_CHARS } from './alarm-text.js';
import { boundAlarm } from './bound-alarm.js';
import { AlarmParseError } from './errors.js';
import { ALARM_STATE_CHANGE, EventBridgeAlarmSchema } from './eventbridge-alarm.js';
import { investigationIdFor, isoUtcOrNull } from './investigation-id.js';
import { LambdaAlarmActionSchema } from './lambda-alarm-action.js';
import { SnsAlarmSchema } from './sns-alarm.js';
import { EXPECTED_ALARM_SHAPES, keysOf, type Unwrapped, unwrapEnvelope } from './unwrap-envelope.js';

export type ParsedAlarm =
  | { action: 'investigate'; alarm: NormalizedAlarm; investigationId: string }
  | { action: 'skip'; alarm: NormalizedAlarm; investigationId: string; reason: string };

function validate(schema: z.ZodType<AlarmFields, unknown>, shape: string, { message, where }: Unwrapped): AlarmFields {
  const result = schema.safeParse(message);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new AlarmParseError(`${where} looks like ${shape} but is not valid: ${issues.join('; ')}`);
}

function alarmFieldsOf(unwrapped: Unwrapped): { fields: AlarmFields; format: AlarmFormat } {
  const { message, where, viaSqs } = unwrapped;
  if ('detail-type' in message) {
    if (message['detail-type'] !== ALARM_STATE_CHANGE) {
      throw new AlarmParseError(
        `${where} is an EventBridge ${JSON.stringify(message['detail-type'])} event from ${JSON.stringify(message.source)}; ` +
          `only "${ALARM_STATE_CHANGE}" events are alarms to investigate`,
      );
    }
    return { fields: validate(EventBridgeAlarmSchema, 'an EventBridge alarm event', unwrapped), format: 'eventbridge' };
  }
  if ('AlarmName' in message) {
    return { fields: validate(SnsAlarmSchema, 'an SNS alarm notification', unwrapped), format: viaSqs ? 'sns-in-sqs' : 'sns' };
  }
  if ('alarmData' in message) {
    return {
      fields: validate(LambdaAlarmActionSchema, 'a Lambda alarm-action payload', unwrapped),
      format: 'lambda-alarm-action',
    };
  }
  throw new AlarmParseError(`${where} is not a CloudWatch alarm: found keys ${keysOf(message)}; ${EXPECTED_ALARM_SHAPES}`);
}

/** Alarm rules name children as ALARM(name), OK("quoted name") or by ARN. */
const RULE_CHILD = /\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*(?:"([^"]+)"|([^)\s]+))\s*\)/g;

function alarmNameOf(nameOrArn: string): string {
  return nameOrArn.split(':alarm:')[1] ?? nameOrArn;
}

/** The children that fired come first, by ARN; the rule's other children follow by name; at most MAX_ALARM_METRICS. */
function compositeChildren(alarmRule: string | null, triggering: string[]): string[] {
  const rule = (alarmRule ?? '').slice(0, MAX_ALARM_RULE_CHARS);
  const ruleChildren = [...rule.matchAll(RULE_CHILD)].map((match) => match[1] ?? match[2] ?? '');
  const children: string[] = [];
  for (const child of [...triggering.slice(0, MAX_ALARM_METRICS), ...ruleChildren]) {
    if (children.length === MAX_ALARM_METRICS) break;
    if (!children.some((known) => alarmNameOf(known) === alarmNameOf(child))) children.push(child);
  }
  return children;
}

function normalize(fields: AlarmFields, format: AlarmFormat): NormalizedAlarm {
  const time = isoUtcOrNull(fields.time);
  if (time === null) {
    throw new AlarmParseError(
      `alarm "${boundAlarmName(fields.name)}" has state-change time ${boundAlarmName(JSON.stringify(fields.time))}; expected ISO-8601 such as 2019-10-02T17:20:48.551+0000`,
    );
  }
  // Metric-math alarms often mix an account-wide metric with per-resource ones; the one with dimensions says what broke.
  const main = fields.metrics.find((metric) => Object.keys(metric.dimensions).length > 0) ?? fields.metrics[0];
  return boundAlarm({
    name: fields.name,
    arn: fields.arn,
    state: fields.state,
    previous_state: fields.previous_state,
    reason: fields.reason,
    region: fields.region,
    account: fields.account,
    namespace: main?.namespace ?? null,
    metric: main?.metric ?? null,
    dimensions: main?.dimensions ?? {},
    time,
    format,
    children: compositeChildren(fields.alarmRule, fields.triggeringChildren),
    metrics: fields.metricMath ? fields.metrics : [],
  });
}

/**
 * Accepts an alarm as it really arrives (a JSON string or an already parsed value) and decides
 * whether to investigate it. Throws AlarmParseError for anything that is not an alarm state change.
 */
export function parseAlarmMessage(input: string | unknown): ParsedAlarm {
  const { fields, format } = alarmFieldsOf(unwrapEnvelope(input, 'input', false));
  const alarm = normalize(fields, format);
  const investigationId = investigationIdFor(alarm);
  if (alarm.state === 'ALARM') return { action: 'investigate', alarm, investigationId };
  return {
    action: 'skip',
    alarm,
    investigationId,
    reason: `alarm "${alarm.name}" transitioned to ${alarm.state}; only transitions into ALARM are investigated`,
  };
}
