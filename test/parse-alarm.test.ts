import { describe, expect, it } from 'vitest';
import { InputError } from '../src/platform/errors.js';
import { NormalizedAlarmSchema } from '../src/producer/alarm.js';
import { MAX_ALARM_METRICS, MAX_ALARM_NAME_CHARS, MAX_ALARM_RULE_CHARS } from '../src/producer/alarm-text.js';
import { AlarmParseError } from '../src/producer/errors.js';
import { type ParsedAlarm, parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { sampleJson, sampleText } from './support/aws-samples.js';

const RECEIVE_MESSAGE = sampleJson('03-sqs-ReceiveMessage.json-wire.sns-envelope-vs-raw.fauxqs-emulated.json');
/** A real CloudWatch alarm as SNS publishes it (the raw-delivery SQS body). */
const SNS_ALARM_MESSAGE: string = RECEIVE_MESSAGE.raw.body_parsed.Messages[0].Body;

function investigated(parsed: ParsedAlarm) {
  expect(parsed.action).toBe('investigate');
  expect(NormalizedAlarmSchema.parse(parsed.alarm)).toEqual(parsed.alarm);
  return parsed.alarm;
}

function parseError(input: unknown): AlarmParseError {
  try {
    parseAlarmMessage(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AlarmParseError);
    expect(error).toBeInstanceOf(InputError);
    return error as AlarmParseError;
  }
  throw new Error('expected parseAlarmMessage to throw');
}

/** The real SNS→SQS envelope (pretty-printed as SNS writes it) carrying `message` instead of its test text. */
function snsEnvelopeInLambdaSqsEvent(message: string): string {
  const event = sampleJson('02-sns-envelope-in-sqs-body.lambda-sqs-event.powertools.json');
  const envelope = JSON.parse(event.Records[0].body);
  event.Records[0].body = JSON.stringify({ ...envelope, Message: message }, null, 2);
  return JSON.stringify(event);
}

describe('EventBridge "CloudWatch Alarm State Change" events', () => {
  it('normalises a single-metric alarm, taking the state-change time from detail.state', () => {
    const alarm = investigated(parseAlarmMessage(sampleText('01-eventbridge-alarm-state-change.single-metric.json')));
    expect(alarm).toEqual({
      name: 'ServerCpuTooHigh',
      arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
      state: 'ALARM',
      previous_state: 'OK',
      reason: expect.stringContaining('was greater than the threshold (50.0)'),
      region: 'us-east-1',
      account: '123456789012',
      namespace: 'AWS/EC2',
      metric: 'CPUUtilization',
      dimensions: { InstanceId: 'i-12345678901234567' },
      time: '2019-10-02T17:04:40.989Z',
      format: 'eventbridge',
      children: [],
      metrics: [],
    });
  });

  it('lists every metricStat of a metric-math alarm and takes the first with dimensions as the main one', () => {
    const alarm = investigated(parseAlarmMessage(sampleText('01-eventbridge-alarm-state-change.metric-math.json')));
    expect(alarm.metrics).toEqual([
      { namespace: 'AWS/EC2', metric: 'NetworkIn', dimensions: { InstanceId: 'i-12345678901234567' } },
      { namespace: 'AWS/EC2', metric: 'NetworkOut', dimensions: { InstanceId: 'i-12345678901234567' } },
    ]);
    expect([alarm.namespace, alarm.metric, alarm.dimensions]).toEqual(['AWS/EC2', 'NetworkIn', { InstanceId: 'i-12345678901234567' }]);
    expect(alarm.previous_state).toBe('INSUFFICIENT_DATA');
  });

  it('reads the watched metric of an anomaly-detection alarm beside its band expression', () => {
    const alarm = investigated(parseAlarmMessage(sampleText('01-eventbridge-alarm-state-change.anomaly-detection.json')));
    expect(alarm.name).toBe('EC2 CPU Utilization Anomaly');
    expect(alarm.metric).toBe('CPUUtilization');
    expect(alarm.metrics).toEqual([{ namespace: 'AWS/EC2', metric: 'CPUUtilization', dimensions: { InstanceId: 'i-12345678901234567' } }]);
  });

  it('names the children of a composite alarm: the triggering one by ARN, the rest of the rule by name', () => {
    const alarm = investigated(parseAlarmMessage(sampleText('01-eventbridge-alarm-state-change.composite-with-suppressor.json')));
    expect(alarm.children).toEqual(['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh', 'TotalNetworkTrafficTooHigh']);
    expect([alarm.namespace, alarm.metric, alarm.dimensions, alarm.metrics]).toEqual([null, null, {}, []]);
  });

  it('accepts the event after EventBridge → SNS → SQS, keeping the eventbridge format', () => {
    const event = sampleText('01-eventbridge-alarm-state-change.single-metric.json');
    const alarm = investigated(parseAlarmMessage(snsEnvelopeInLambdaSqsEvent(event)));
    expect(alarm.format).toBe('eventbridge');
    expect(alarm.name).toBe('ServerCpuTooHigh');
  });
});

describe('Lambda alarm-action payloads (alarmData)', () => {
  it('normalises a metric-math alarm, keeping accountId and the ARN as sent', () => {
    const alarm = investigated(parseAlarmMessage(sampleText('01b-lambda-alarm-action.metric-math.powertools.json')));
    expect(alarm).toMatchObject({
      name: 'Test alert',
      arn: 'arn:aws:cloudwatch:eu-west-1:912397435824:alarm:test_alarm',
      account: '123456789012',
      region: 'eu-west-1',
      format: 'lambda-alarm-action',
      time: '2024-02-17T11:53:08.431Z',
      namespace: 'AWS/Lambda',
      metric: 'Invocations',
      dimensions: {},
    });
    expect(alarm.metrics.map((metric) => metric.metric)).toEqual(['Invocations', 'Duration']);
  });

  it('names the children of a composite alarm', () => {
    const alarm = investigated(parseAlarmMessage(sampleText('01b-lambda-alarm-action.composite.powertools.json')));
    expect(alarm.children).toEqual([
      'arn:aws:cloudwatch:us-east-1:111122223333:alarm:CompositeDemo.FirstChild',
      'CompositeDemo.SecondChild',
    ]);
    expect(alarm.previous_state).toBe('ALARM');
  });
});

describe('SNS alarm notifications', () => {
  it('reads a single-metric alarm from a Lambda SNS event, turning [{name,value}] dimensions into a map', () => {
    const alarm = investigated(parseAlarmMessage(sampleText('02-sns-alarm.lambda-sns-event.single-metric.aws-lambda-go.json')));
    expect(alarm).toMatchObject({
      name: 'EXAMPLE',
      format: 'sns',
      account: '123456789012',
      previous_state: 'INSUFFICIENT_DATA',
      namespace: 'AWS/EC2',
      metric: 'NetworkOut',
      dimensions: { InstanceId: 'TestInstance' },
      time: '2015-06-03T17:43:27.123Z',
      metrics: [],
    });
  });

  it('reads a metric-math alarm from Trigger.Metrics', () => {
    const alarm = investigated(parseAlarmMessage(sampleText('02-sns-alarm.lambda-sns-event.metric-math.aws-lambda-go.json')));
    expect(alarm.metrics).toEqual([{ namespace: 'AWS/EC2', metric: 'NetworkOut', dimensions: { InstanceId: 'TestInstance' } }]);
    expect(alarm.metric).toBe('NetworkOut');
  });

  it('derives the region code from AlarmArn, not the display name in Region', () => {
    const alarm = investigated(parseAlarmMessage(SNS_ALARM_MESSAGE));
    expect(JSON.parse(SNS_ALARM_MESSAGE).Region).toBe('Asia Pacific (Singapore)');
    expect(alarm.region).toBe('ap-southeast-1');
    expect(alarm.dimensions).toEqual({ FunctionName: 'lambda-uatezapp-sharedsvc-sso-showheader' });
  });

  it('reads the children of a composite alarm from AlarmRule and TriggeringChildren', () => {
    const composite = {
      ...JSON.parse(SNS_ALARM_MESSAGE),
      Trigger: undefined,
      AlarmRule: 'ALARM("api errors") OR ALARM(arn:aws:cloudwatch:ap-southeast-1:003031427344:alarm:db-throttles)',
      TriggeringChildren: [{ Arn: 'arn:aws:cloudwatch:ap-southeast-1:003031427344:alarm:db-throttles', State: { Value: 'ALARM' } }],
    };
    const alarm = investigated(parseAlarmMessage(JSON.stringify(composite)));
    expect(alarm.children).toEqual(['arn:aws:cloudwatch:ap-southeast-1:003031427344:alarm:db-throttles', 'api errors']);
    expect(alarm.namespace).toBeNull();
  });

  it(`follows at most ${MAX_ALARM_METRICS} children, each name bounded, of a rule read up to ${MAX_ALARM_RULE_CHARS} characters`, () => {
    const many = Array.from({ length: 5_000 }, (_, index) => `ALARM("child-${index}")`).join(' OR ');
    const composite = {
      ...JSON.parse(SNS_ALARM_MESSAGE),
      Trigger: undefined,
      AlarmRule: `ALARM("${'c'.repeat(MAX_ALARM_NAME_CHARS + 10)}") OR ${many}`,
      TriggeringChildren: Array.from({ length: 5_000 }, (_, index) => ({
        Arn: `arn:aws:cloudwatch:ap-southeast-1:003031427344:alarm:t-${index}`,
      })),
    };
    const alarm = investigated(parseAlarmMessage(JSON.stringify(composite)));
    expect(alarm.children).toHaveLength(MAX_ALARM_METRICS);
    composite.TriggeringChildren = [];
    const fromRule = investigated(parseAlarmMessage(JSON.stringify(composite))).children;
    expect(fromRule[0]).toBe(`${'c'.repeat(MAX_ALARM_NAME_CHARS)}…[truncated: 10 more characters]`);
    expect(fromRule).toHaveLength(MAX_ALARM_METRICS);
  });
});

describe('SQS deliveries and pasted containers', () => {
  it('reads the ReceiveMessage wire response with and without raw delivery, marking both as sns-in-sqs', () => {
    const nonRaw = investigated(parseAlarmMessage(RECEIVE_MESSAGE.nonRaw.body));
    const raw = investigated(parseAlarmMessage(RECEIVE_MESSAGE.raw.body));
    expect(nonRaw.format).toBe('sns-in-sqs');
    expect(raw).toEqual(nonRaw);
  });

  it('reads one ReceiveMessage message object ({MessageId, Body, ...})', () => {
    const alarm = investigated(parseAlarmMessage(RECEIVE_MESSAGE.nonRaw.body_parsed.Messages[0]));
    expect([alarm.name, alarm.format]).toEqual(['alarm-uatezapp-appraiser-main-web', 'sns-in-sqs']);
  });

  it('reads a bare SQS body: the SNS envelope when raw delivery is off, the alarm itself when on', () => {
    const envelopeBody = investigated(parseAlarmMessage(RECEIVE_MESSAGE.nonRaw.body_parsed.Messages[0].Body));
    const rawBody = investigated(parseAlarmMessage(SNS_ALARM_MESSAGE));
    expect(envelopeBody).toEqual(rawBody);
    expect(rawBody.format).toBe('sns');
  });

  it("reads the SNS envelope SNS pretty-prints into a Lambda SQS event's body", () => {
    const alarm = investigated(parseAlarmMessage(snsEnvelopeInLambdaSqsEvent(SNS_ALARM_MESSAGE)));
    expect([alarm.name, alarm.format, alarm.region]).toEqual(['alarm-uatezapp-appraiser-main-web', 'sns-in-sqs', 'ap-southeast-1']);
  });
});

describe('transitions that are not into ALARM', () => {
  it.each(['OK', 'INSUFFICIENT_DATA'] as const)('skips an EventBridge transition to %s and says why', (state) => {
    const event = sampleJson('01-eventbridge-alarm-state-change.single-metric.json');
    event.detail.state.value = state;
    const parsed = parseAlarmMessage(event);
    expect(parsed).toMatchObject({ action: 'skip', alarm: { name: 'ServerCpuTooHigh', state } });
    expect(parsed.action === 'skip' && parsed.reason).toBe(
      `alarm "ServerCpuTooHigh" transitioned to ${state}; only transitions into ALARM are investigated`,
    );
    expect(parsed.investigationId).toMatch(/^inv-[0-9a-f]{24}$/);
  });

  it('skips an SNS notification of a transition to OK', () => {
    const parsed = parseAlarmMessage({ ...JSON.parse(SNS_ALARM_MESSAGE), NewStateValue: 'OK', OldStateValue: 'ALARM' });
    expect(parsed.action).toBe('skip');
    expect(parsed.alarm.previous_state).toBe('ALARM');
  });
});

describe('input that is not an alarm state change', () => {
  it.each(sampleJson<{ _title: string; event: unknown }[]>('01-eventbridge-alarm-configuration-change.all-examples.json'))(
    'rejects the configuration-change event "$_title", naming its detail-type',
    ({ event }) => {
      expect(parseError(event).message).toMatch(
        /"CloudWatch Alarm Configuration Change" event .*only "CloudWatch Alarm State Change" events/,
      );
    },
  );

  it('rejects a string that is not JSON, quoting an excerpt', () => {
    const error = parseError('ALARM: "api-errors" in US East (N. Virginia) — this text goes on for quite a while longer');
    expect(error.message).toMatch(/^input is not JSON \("ALARM: \\"api-errors\\" in US East.*…"\); expected a CloudWatch alarm/);
    expect(error.exitCode).toBe(2);
  });

  it('rejects an SQS record whose body is not JSON, naming where it looked', () => {
    expect(parseError(sampleText('03-sqs-lambda-event.dlq-trigger.powertools.json')).message).toMatch(
      /^input\.Records\[0\]\.body is not JSON \("hello world"\)/,
    );
  });

  it('rejects more than one record, asking for one at a time', () => {
    expect(parseError(sampleText('03-sqs-lambda-event.powertools.json')).message).toMatch(
      /input\.Records holds 2 items; .*one alarm message at a time/,
    );
  });

  it('rejects an empty Records list', () => {
    expect(parseError({ Records: [] }).message).toMatch(/input\.Records holds 0 items; expected exactly one/);
  });

  it('rejects a record that is neither an SNS nor an SQS record, listing its keys', () => {
    expect(parseError({ Records: [{ eventSource: 'aws:s3', s3: {} }] }).message).toMatch(
      /^input\.Records\[0\] is neither a Lambda SNS record .* found keys \[eventSource, s3\]/,
    );
  });

  it('rejects an SNS message that is JSON but not an alarm, listing the keys it found', () => {
    expect(parseError(sampleText('02-sns-envelope-in-sqs-body.fifo.powertools.json')).message).toMatch(
      /^input\.Records\[0\]\.body\.Message is not a CloudWatch alarm: found keys \[message, username\]; expected/,
    );
  });

  it('rejects JSON that is not an object', () => {
    expect(parseError('[1, 2]').message).toMatch(/^input is an array; expected a CloudWatch alarm/);
  });

  it('names the field when an alarm-looking message is malformed', () => {
    const message = { ...JSON.parse(SNS_ALARM_MESSAGE), NewStateValue: 'FIRING' };
    expect(parseError(message).message).toMatch(/looks like an SNS alarm notification but is not valid: NewStateValue: /);
  });

  it('rejects a state-change time that is not a timestamp', () => {
    const event = sampleJson('01-eventbridge-alarm-state-change.single-metric.json');
    event.detail.state.timestamp = 'yesterday';
    expect(parseError(event).message).toMatch(/state-change time "yesterday"; expected ISO-8601/);
  });
});
