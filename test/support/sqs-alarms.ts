import { randomUUID } from 'node:crypto';
import { parseAlarmMessage } from '../../src/producer/parse-alarm.js';
import { sampleJson } from './aws-samples.js';

/**
 * SQS message bodies as alarms really arrive, made from the stored AWS samples: the SNS envelope
 * (compact as fauxqs writes it, pretty-printed as real SNS does), the raw alarm of RawMessageDelivery,
 * and the EventBridge event of an EventBridge → SQS rule. Each index is its own alarm transition.
 */
export const WIRE_SHAPES = ['sns-envelope', 'sns-envelope-pretty', 'raw', 'eventbridge'] as const;
export type WireShape = (typeof WIRE_SHAPES)[number];
export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

interface RawAlarm {
  AlarmName: string;
  AlarmArn: string;
  NewStateValue: string;
  StateChangeTime: string;
  [field: string]: unknown;
}

const wire = sampleJson('03-sqs-ReceiveMessage.json-wire.sns-envelope-vs-raw.fauxqs-emulated.json');
const ENVELOPE: Record<string, unknown> = JSON.parse(wire.nonRaw.body_parsed.Messages[0].Body);
const RAW_ALARM: RawAlarm = JSON.parse(wire.raw.body_parsed.Messages[0].Body);
const EVENTBRIDGE = sampleJson('01-eventbridge-alarm-state-change.single-metric.json');
const START = Date.UTC(2024, 5, 1, 8, 0, 0);

/** CloudWatch's own time format: 2023-10-10T06:41:58.348+0000. */
function cloudWatchTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function rawAlarm(index: number, state: AlarmState = 'ALARM'): RawAlarm {
  const name = `bridge-test-${index}`;
  return {
    ...structuredClone(RAW_ALARM),
    AlarmName: name,
    AlarmArn: RAW_ALARM.AlarmArn.replace(/alarm:.*$/, `alarm:${name}`),
    NewStateValue: state,
    StateChangeTime: cloudWatchTime(START + index * 1_000),
  };
}

export function snsEnvelope(alarm: RawAlarm, pretty = false): string {
  const envelope = {
    ...ENVELOPE,
    MessageId: randomUUID(),
    Subject: `${alarm.NewStateValue}: "${alarm.AlarmName}" in Asia Pacific (Singapore)`,
    Message: JSON.stringify(alarm),
  };
  return pretty ? JSON.stringify(envelope, null, 2) : JSON.stringify(envelope);
}

/** The same alarm as rawAlarm(index), as EventBridge delivers it: the same transition, the same ID. */
function eventBridgeEvent(index: number, state: AlarmState): string {
  const event = structuredClone(EVENTBRIDGE);
  const { AlarmName, AlarmArn } = rawAlarm(index);
  const [, , , region, account] = AlarmArn.split(':');
  Object.assign(event, { id: randomUUID(), region, account, resources: [AlarmArn], time: new Date(START + index * 1_000).toISOString() });
  event.detail.alarmName = AlarmName;
  event.detail.state.value = state;
  event.detail.state.timestamp = cloudWatchTime(START + index * 1_000);
  return JSON.stringify(event);
}

export function alarmBody(index: number, shape: WireShape = WIRE_SHAPES[index % WIRE_SHAPES.length]!, state: AlarmState = 'ALARM'): string {
  if (shape === 'eventbridge') return eventBridgeEvent(index, state);
  if (shape === 'raw') return JSON.stringify(rawAlarm(index, state));
  return snsEnvelope(rawAlarm(index, state), shape === 'sns-envelope-pretty');
}

/** Bodies that are not alarms, each failing a different way. */
export function malformedBody(index: number): string {
  const kinds = [
    () => `not json at all #${index} {`,
    () => JSON.stringify({ hello: 'world', n: index }),
    // SNS delivers any topic's message; this one is AWS's own fan-out example, not an alarm.
    () =>
      JSON.stringify({
        ...ENVELOPE,
        MessageId: randomUUID(),
        Subject: 'Testing publish to subscribed queues',
        Message: `Hello world! ${index}`,
      }),
    () =>
      JSON.stringify(
        sampleJson<Array<{ event: unknown }>>('01-eventbridge-alarm-configuration-change.all-examples.json')[index % 6]!.event,
      ),
    () => JSON.stringify({ ...rawAlarm(index), StateChangeTime: 'yesterday' }),
  ];
  return kinds[index % kinds.length]!();
}

export function investigationIdOf(body: string): string {
  return parseAlarmMessage(body).investigationId;
}
