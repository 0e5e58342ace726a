import { describe, expect, it } from 'vitest';
import { discoverResources } from '../src/orchestrators/resources.js';
import type { NormalizedAlarm } from '../src/producer/alarm.js';
import { manualAlarm } from '../src/producer/manual-alarm.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { sampleJson, sampleText } from './support/aws-samples.js';

const RECEIVE_MESSAGE = sampleJson('03-sqs-ReceiveMessage.json-wire.sns-envelope-vs-raw.fauxqs-emulated.json');
/** A real Lambda alarm (ap-southeast-1, FunctionName dimension) delivered through SNS → SQS. */
const LAMBDA_ALARM = parseAlarmMessage(RECEIVE_MESSAGE.raw.body).alarm;

/** No real notification of these namespaces exists (02-dimensions-reference.md): the real alarm, re-pointed. */
function alarmOn(namespace: string, dimensions: Record<string, string>, extra: Partial<NormalizedAlarm> = {}): NormalizedAlarm {
  return { ...LAMBDA_ALARM, namespace, dimensions, ...extra };
}

describe('discoverResources', () => {
  it('finds the function of a real Lambda alarm, in the region of its ARN', () => {
    expect(discoverResources(LAMBDA_ALARM)).toEqual([
      { type: 'lambda', name: 'lambda-uatezapp-sharedsvc-sso-showheader', region: 'ap-southeast-1' },
    ]);
  });

  it('reads the function with its alias or version from a Resource dimension "fn:alias" / "fn:7"; $LATEST is no qualifier', () => {
    expect(discoverResources(alarmOn('AWS/Lambda', { FunctionName: 'checkout', Resource: 'checkout:live' }))).toEqual([
      { type: 'lambda', name: 'checkout', region: 'ap-southeast-1', qualifier: 'live' },
    ]);
    expect(discoverResources(alarmOn('AWS/Lambda', { Resource: 'checkout:7' }))).toEqual([
      { type: 'lambda', name: 'checkout', region: 'ap-southeast-1', qualifier: '7' },
    ]);
    expect(discoverResources(alarmOn('AWS/Lambda', { Resource: 'checkout:$LATEST' }))).toEqual([
      { type: 'lambda', name: 'checkout', region: 'ap-southeast-1' },
    ]);
  });

  it('accepts a function ARN or a partial ARN where a name is expected (manual --function-name)', () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:checkout:live';
    expect(discoverResources(manualAlarm(arn, 'eu-west-1'))).toEqual([
      { type: 'lambda', name: 'checkout', arn, qualifier: 'live', region: 'eu-west-1' },
    ]);
    expect(discoverResources(manualAlarm('123456789012:function:checkout', 'eu-west-1'))).toEqual([
      { type: 'lambda', name: 'checkout', region: 'eu-west-1' },
    ]);
    expect(discoverResources(manualAlarm('123456789012:function:checkout:3', 'eu-west-1'))).toEqual([
      { type: 'lambda', name: 'checkout', region: 'eu-west-1', qualifier: '3' },
    ]);
  });

  it('finds API Gateway REST APIs by name and HTTP APIs by ID, ignoring the path in Resource', () => {
    expect(discoverResources(alarmOn('AWS/ApiGateway', { ApiName: 'orders', Stage: 'prod', Resource: '/orders', Method: 'GET' }))).toEqual([
      { type: 'apigateway', name: 'orders', region: 'ap-southeast-1', qualifier: 'prod' },
    ]);
    expect(discoverResources(alarmOn('AWS/ApiGateway', { ApiId: 'a1b2c3d4e5', Stage: '$default' }))).toEqual([
      {
        type: 'apigateway',
        name: 'a1b2c3d4e5',
        arn: 'arn:aws:apigateway:ap-southeast-1::/apis/a1b2c3d4e5',
        region: 'ap-southeast-1',
      },
    ]);
  });

  it('finds DynamoDB tables, SQS queues and SNS topics from their dimensions', () => {
    expect(discoverResources(alarmOn('AWS/DynamoDB', { TableName: 'orders', Operation: 'PutItem' }))).toEqual([
      { type: 'dynamodb', name: 'orders', region: 'ap-southeast-1' },
    ]);
    expect(discoverResources(alarmOn('AWS/SQS', { QueueName: 'orders-dlq' }))).toEqual([
      { type: 'sqs', name: 'orders-dlq', region: 'ap-southeast-1' },
    ]);
    expect(discoverResources(alarmOn('AWS/SNS', { TopicName: 'order-events' }))).toEqual([
      { type: 'sns', name: 'order-events', region: 'ap-southeast-1' },
    ]);
  });

  it('names a state machine from the StateMachineArn dimension', () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:fulfil-order';
    expect(discoverResources(alarmOn('AWS/States', { StateMachineArn: arn }))).toEqual([
      { type: 'stepfunctions', name: 'fulfil-order', arn, region: 'us-east-1' },
    ]);
  });

  it('gathers every metric of a metric-math alarm, lambdas first, each resource once', () => {
    const alarm = alarmOn(
      'AWS/DynamoDB',
      { TableName: 'orders' },
      {
        metrics: [
          { namespace: 'AWS/DynamoDB', metric: 'ThrottledRequests', dimensions: { TableName: 'orders', Operation: 'Query' } },
          { namespace: 'AWS/Lambda', metric: 'Errors', dimensions: { FunctionName: 'list-orders' } },
          { namespace: 'AWS/Lambda', metric: 'Invocations', dimensions: { FunctionName: 'list-orders', Resource: 'list-orders:prod' } },
          { namespace: 'AWS/Lambda', metric: 'Invocations', dimensions: {} },
        ],
      },
    );
    expect(discoverResources(alarm).map(({ type, name }) => `${type}:${name}`)).toEqual(['lambda:list-orders', 'dynamodb:orders']);
  });

  it('finds function ARNs the alarm mentions and merges them with the same function from a dimension', () => {
    const arn = 'arn:aws:lambda:ap-southeast-1:003031427344:function:lambda-uatezapp-sharedsvc-sso-showheader';
    const alarm = { ...LAMBDA_ALARM, reason: `Errors from ${arn}:prod and arn:aws:lambda:ap-southeast-1:003031427344:function:audit-log.` };
    expect(discoverResources(alarm)).toEqual([
      { type: 'lambda', name: 'lambda-uatezapp-sharedsvc-sso-showheader', arn: `${arn}:prod`, qualifier: 'prod', region: 'ap-southeast-1' },
      {
        type: 'lambda',
        name: 'audit-log',
        arn: 'arn:aws:lambda:ap-southeast-1:003031427344:function:audit-log',
        region: 'ap-southeast-1',
      },
    ]);
  });

  it('finds nothing to look up in EC2 alarms or in a composite alarm, whose reason names only alarms', () => {
    expect(discoverResources(parseAlarmMessage(sampleText('01-eventbridge-alarm-state-change.metric-math.json')).alarm)).toEqual([]);
    const composite = parseAlarmMessage(sampleText('01-eventbridge-alarm-state-change.composite-with-suppressor.json')).alarm;
    expect(composite.reason).toContain('arn:aws:cloudwatch:');
    expect(discoverResources(composite)).toEqual([]);
  });

  it('leaves out the region when the alarm does not say it', () => {
    expect(discoverResources(alarmOn('AWS/Lambda', { FunctionName: 'checkout' }, { region: null }))).toEqual([
      { type: 'lambda', name: 'checkout' },
    ]);
  });
});
