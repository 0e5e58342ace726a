import { describe, expect, it } from 'vitest';
import { InputError } from '../src/platform/errors.js';
import type { NormalizedAlarm } from '../src/producer/alarm.js';
import { investigationIdFor, isoUtcOrNull, manualInvestigationId } from '../src/producer/investigation-id.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { sampleJson, sampleText } from './support/aws-samples.js';

const ID_FORMAT = /^inv-[0-9a-f]{24}$/;
const EVENTBRIDGE_SAMPLE = '01-eventbridge-alarm-state-change.single-metric.json';
const RECEIVE_MESSAGE = sampleJson('03-sqs-ReceiveMessage.json-wire.sns-envelope-vs-raw.fauxqs-emulated.json');

function idOf(input: unknown): string {
  return parseAlarmMessage(input).investigationId;
}

/** The SNS notification CloudWatch would publish for the transition an EventBridge event reports. */
function snsNotificationOf(event: any): string {
  const metric = event.detail.configuration.metrics[0].metricStat.metric;
  return JSON.stringify({
    AlarmName: event.detail.alarmName,
    AWSAccountId: event.account,
    NewStateValue: event.detail.state.value,
    NewStateReason: event.detail.state.reason,
    StateChangeTime: event.detail.state.timestamp,
    Region: 'US East (N. Virginia)',
    AlarmArn: event.resources[0],
    OldStateValue: event.detail.previousState.value,
    Trigger: {
      MetricName: metric.name,
      Namespace: metric.namespace,
      Dimensions: Object.entries(metric.dimensions).map(([name, value]) => ({ value, name })),
    },
  });
}

function snsEnvelope(message: string): string {
  return JSON.stringify({ Type: 'Notification', MessageId: 'a', TopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms', Message: message });
}

describe('investigationIdFor', () => {
  it('has the inv- prefix and 24 hex characters', () => {
    expect(idOf(sampleText(EVENTBRIDGE_SAMPLE))).toMatch(ID_FORMAT);
  });

  it('gives the same ID when the same transition is delivered twice', () => {
    expect(idOf(sampleText(EVENTBRIDGE_SAMPLE))).toBe(idOf(sampleText(EVENTBRIDGE_SAMPLE)));
    expect(idOf(RECEIVE_MESSAGE.nonRaw.body)).toBe(idOf(RECEIVE_MESSAGE.raw.body));
  });

  it('gives the same ID for the EventBridge event and the SNS notification of one transition', () => {
    const event = sampleJson(EVENTBRIDGE_SAMPLE);
    const viaEventBridge = parseAlarmMessage(event);
    const viaSns = parseAlarmMessage(snsEnvelope(snsNotificationOf(event)));
    expect(viaSns.alarm.format).toBe('sns');
    expect(viaSns.investigationId).toBe(viaEventBridge.investigationId);
  });

  it('ignores how the time was written: "+0000", "Z" and other offsets of one instant', () => {
    const alarm = parseAlarmMessage(sampleText(EVENTBRIDGE_SAMPLE)).alarm;
    const id = investigationIdFor({ ...alarm, time: '2019-10-02T17:04:40.989+0000' });
    expect(investigationIdFor({ ...alarm, time: '2019-10-02T17:04:40.989Z' })).toBe(id);
    expect(investigationIdFor({ ...alarm, time: '2019-10-02T19:04:40.989+0200' })).toBe(id);
  });

  it('gives a new ID for a new transition of the same alarm', () => {
    const event = sampleJson(EVENTBRIDGE_SAMPLE);
    const first = idOf(event);
    event.detail.state.timestamp = '2019-10-02T17:09:40.989+0000';
    expect(idOf(event)).not.toBe(first);
  });

  it('gives different IDs to different states and different alarms at the same time', () => {
    const alarm = parseAlarmMessage(sampleText(EVENTBRIDGE_SAMPLE)).alarm;
    const ids = new Set([
      investigationIdFor(alarm),
      investigationIdFor({ ...alarm, state: 'OK' }),
      investigationIdFor({ ...alarm, arn: alarm.arn!.replace('ServerCpuTooHigh', 'OtherAlarm') }),
    ]);
    expect(ids.size).toBe(3);
  });

  it('tells apart alarms of one name in two regions when there is no ARN', () => {
    const alarm: NormalizedAlarm = { ...parseAlarmMessage(sampleText(EVENTBRIDGE_SAMPLE)).alarm, arn: null };
    expect(investigationIdFor({ ...alarm, region: 'eu-west-1' })).not.toBe(investigationIdFor(alarm));
  });

  it('refuses an alarm whose time is not a timestamp', () => {
    const alarm = parseAlarmMessage(sampleText(EVENTBRIDGE_SAMPLE)).alarm;
    expect(() => investigationIdFor({ ...alarm, time: 'soon' })).toThrow(InputError);
    expect(() => investigationIdFor({ ...alarm, time: 'soon' })).toThrow(/time "soon": expected an ISO-8601 timestamp/);
  });
});

describe('isoUtcOrNull', () => {
  it('writes CloudWatch times as ISO-8601 UTC with milliseconds', () => {
    expect(isoUtcOrNull('2019-10-02T17:20:48.551+0000')).toBe('2019-10-02T17:20:48.551Z');
    expect(isoUtcOrNull('2019-10-02T17:20:48Z')).toBe('2019-10-02T17:20:48.000Z');
  });

  it('returns null for text that is not an ISO-8601 timestamp with an offset', () => {
    expect(isoUtcOrNull('Wed, 02 Oct 2019 17:20:48 GMT')).toBeNull();
    expect(isoUtcOrNull('2019-13-45T99:00:00Z')).toBeNull();
    expect(isoUtcOrNull('2019-10-02T17:20:48.551')).toBeNull();
  });
});

describe('manualInvestigationId', () => {
  it('gives a fresh ID of the same format each time', () => {
    const ids = new Set(Array.from({ length: 20 }, () => manualInvestigationId()));
    expect(ids.size).toBe(20);
    for (const id of ids) expect(id).toMatch(ID_FORMAT);
  });
});
