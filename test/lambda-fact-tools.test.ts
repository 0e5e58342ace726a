import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, LimitExceededException } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, type FilteredLogEvent, FilterLogEventsCommand, ThrottlingException } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../src/orchestrators/aws/clients.js';
import { FactToolError } from '../src/orchestrators/errors.js';
import { fetchAlarmChildren } from '../src/orchestrators/facts/alarm-children.js';
import { runFactCall } from '../src/orchestrators/facts/fact-call.js';
import { MAX_MESSAGE_CHARS } from '../src/orchestrators/facts/log-limits.js';
import { fetchLambdaConfig } from '../src/orchestrators/specialists/lambda/facts/lambda-config.js';
import { fetchLambdaLogs } from '../src/orchestrators/specialists/lambda/facts/lambda-logs.js';
import { fetchLambdaMetrics } from '../src/orchestrators/specialists/lambda/facts/lambda-metrics.js';
import { PromptRcaError } from '../src/platform/errors.js';

const window = { startTime: Date.parse('2024-05-01T10:00:00Z'), endTime: Date.parse('2024-05-01T10:30:00Z') };
const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
/** A call that never answers, as a stuck connection would. */
const never = () => new Promise<never>(() => {});

let lambda: AwsClientStub<LambdaClient>;
let logs: AwsClientStub<CloudWatchLogsClient>;
let cloudwatch: AwsClientStub<CloudWatchClient>;
let aws: AwsClients;
beforeEach(() => {
  lambda = mockClient(LambdaClient);
  logs = mockClient(CloudWatchLogsClient);
  cloudwatch = mockClient(CloudWatchClient);
  aws = createAwsClients({ region: 'us-east-1' });
});
afterEach(() => {
  lambda.restore();
  logs.restore();
  cloudwatch.restore();
});

describe('runFactCall', () => {
  it('turns an SDK error into a FactToolError naming service, command and AWS error', async () => {
    const failure = runFactCall({ service: 'lambda', command: 'GetFunctionConfiguration' }, () => Promise.reject(throttled()));
    await expect(failure).rejects.toBeInstanceOf(FactToolError);
    await expect(failure).rejects.toBeInstanceOf(PromptRcaError);
    await expect(failure).rejects.toMatchObject({
      message: 'lambda GetFunctionConfiguration failed: TooManyRequestsException: Rate exceeded',
      service: 'lambda',
      command: 'GetFunctionConfiguration',
      awsErrorName: 'TooManyRequestsException',
    });
  });

  it('aborts the call and fails with TimeoutError when it does not answer in time', async () => {
    let signal: AbortSignal | undefined;
    const failure = runFactCall({ service: 'cloudwatch', command: 'GetMetricData', timeoutMs: 30 }, (options) => {
      signal = options.abortSignal;
      return never();
    });
    await expect(failure).rejects.toThrow('cloudwatch GetMetricData failed: TimeoutError: no answer within 30 ms');
    expect(signal?.aborted).toBe(true);
  });

  it('passes the answer through and leaves the signal alone when the call is in time', async () => {
    let signal: AbortSignal | undefined;
    const answer = await runFactCall({ service: 'lambda', command: 'GetFunction', timeoutMs: 1_000 }, (options) => {
      signal = options.abortSignal;
      return Promise.resolve(42);
    });
    expect(answer).toBe(42);
    expect(signal?.aborted).toBe(false);
  });
});

describe('fetchLambdaConfig', () => {
  const configuration = {
    FunctionName: 'orders',
    FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Timeout: 3,
    MemorySize: 128,
    Role: 'arn:aws:iam::123456789012:role/orders',
    LastModified: '2024-04-30T19:06:32.563+0000',
    Version: '$LATEST',
    CodeSha256: 'sZrD8ogNnMO8TQ4MCwGFQ5pX0Ju2LdUeN/xV9XJIxyw=',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    Environment: { Variables: { TABLE_NAME: 'orders-table', DB_PASSWORD: 'hunter2-secret', API_KEY: 'sk-live-123' } },
  } as const;

  it('maps the configuration, with the reserved concurrency and the default log group', async () => {
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'orders' }).resolves(configuration);
    lambda.on(GetFunctionConcurrencyCommand, { FunctionName: 'orders' }).resolves({ ReservedConcurrentExecutions: 5 });
    expect(await fetchLambdaConfig(aws, 'orders')).toEqual({
      functionName: 'orders',
      functionArn: configuration.FunctionArn,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      timeoutSeconds: 3,
      memoryMb: 128,
      role: configuration.Role,
      lastModified: configuration.LastModified,
      version: '$LATEST',
      codeSha256: configuration.CodeSha256,
      environmentVariableNames: ['API_KEY', 'DB_PASSWORD', 'TABLE_NAME'],
      logGroup: '/aws/lambda/orders',
      reservedConcurrency: 5,
      state: 'Active',
      lastUpdateStatus: 'Successful',
    });
  });

  it('never lets an environment variable value out', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(configuration);
    lambda.on(GetFunctionConcurrencyCommand).resolves({});
    const text = JSON.stringify(await fetchLambdaConfig(aws, 'orders'));
    for (const value of Object.values(configuration.Environment.Variables)) expect(text).not.toContain(value);
    expect(text).toContain('DB_PASSWORD');
  });

  it('uses the log group LoggingConfig names, and the function name AWS returns for an ARN', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: 'orders', LoggingConfig: { LogGroup: '/shared/app' } });
    lambda.on(GetFunctionConcurrencyCommand).resolves({});
    const config = await fetchLambdaConfig(aws, configuration.FunctionArn);
    expect(config.logGroup).toBe('/shared/app');
    expect(config.functionName).toBe('orders');

    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: 'orders' });
    expect((await fetchLambdaConfig(aws, configuration.FunctionArn)).logGroup).toBe('/aws/lambda/orders');
  });

  it('names a failed GetFunctionConcurrency (reserved concurrency unknown, not "none") without failing the whole read', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(configuration);
    lambda.on(GetFunctionConcurrencyCommand).rejects(throttled());
    const failures: unknown[] = [];
    const config = await fetchLambdaConfig(aws, 'orders', { failures });
    expect(config.reservedConcurrency).toBeNull();
    expect(config.reservedConcurrencyUnread).toBe('lambda GetFunctionConcurrency failed: TooManyRequestsException: Rate exceeded');
    expect(config.timeoutSeconds).toBe(3);
    expect(failures).toEqual([expect.objectContaining({ name: 'FactToolError', command: 'GetFunctionConcurrency' })]);
  });

  it('fails with the AWS error when GetFunctionConfiguration is throttled or the function is missing', async () => {
    lambda.on(GetFunctionConcurrencyCommand).resolves({});
    lambda.on(GetFunctionConfigurationCommand).rejects(throttled());
    await expect(fetchLambdaConfig(aws, 'orders')).rejects.toThrow(
      'lambda GetFunctionConfiguration failed: TooManyRequestsException: Rate exceeded',
    );
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(new ResourceNotFoundException({ message: 'Function not found: orders', $metadata: {} }));
    await expect(fetchLambdaConfig(aws, 'orders')).rejects.toMatchObject({
      name: 'FactToolError',
      awsErrorName: 'ResourceNotFoundException',
    });
  });

  it('times out a slow GetFunctionConfiguration', async () => {
    lambda.on(GetFunctionConcurrencyCommand).resolves({});
    lambda.on(GetFunctionConfigurationCommand).callsFake(never);
    const started = Date.now();
    await expect(fetchLambdaConfig(aws, 'orders', { timeoutMs: 50 })).rejects.toThrow(
      'lambda GetFunctionConfiguration failed: TimeoutError: no answer within 50 ms',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('fetchLambdaLogs', () => {
  const query = { logGroup: '/aws/lambda/orders', ...window };
  const events = (from: number, count: number, message = (n: number) => `line ${n}`): FilteredLogEvent[] =>
    Array.from({ length: count }, (_, i) => ({
      timestamp: window.startTime + from + i,
      message: message(from + i),
      logStreamName: '2024/05/01/[$LATEST]abc',
    }));

  it('follows nextToken across pages, including empty ones, to the end of the window', async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolves({ events: events(0, 2), nextToken: 'a' })
      .on(FilterLogEventsCommand, { nextToken: 'a' })
      .resolves({ events: [], nextToken: 'b' })
      .on(FilterLogEventsCommand, { nextToken: 'b' })
      .resolves({ events: events(2, 1) });
    const result = await fetchLambdaLogs(aws, { ...query, filterPattern: '?ERROR ?Task' });
    expect(result.truncated).toBe(false);
    expect(result.lines).toEqual([
      { timestamp: window.startTime, message: 'line 0', logStream: '2024/05/01/[$LATEST]abc' },
      { timestamp: window.startTime + 1, message: 'line 1', logStream: '2024/05/01/[$LATEST]abc' },
      { timestamp: window.startTime + 2, message: 'line 2', logStream: '2024/05/01/[$LATEST]abc' },
    ]);
    const first = logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input;
    expect(first).toMatchObject({
      logGroupName: '/aws/lambda/orders',
      startTime: window.startTime,
      endTime: window.endTime,
      filterPattern: '?ERROR ?Task',
    });
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(3);
  });

  it('stops a log group that never ends at maxEvents, truncated', async () => {
    let page = 0;
    logs.on(FilterLogEventsCommand).callsFake(() => {
      page += 1;
      return Promise.resolve({ events: events(page * 1_000, 1_000), nextToken: `page-${page}` });
    });
    const result = await fetchLambdaLogs(aws, { ...query, maxEvents: 2_500 });
    expect(result.truncated).toBe(true);
    expect(result.lines).toHaveLength(2_500);
    expect(page).toBe(3);
  });

  it('is not truncated when the window ends exactly at maxEvents', async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: events(0, 3) });
    expect(await fetchLambdaLogs(aws, { ...query, maxEvents: 3 })).toMatchObject({ truncated: false });
  });

  it('stops at maxBytes of message text, truncated', async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: events(0, 100, () => 'x'.repeat(1_000)), nextToken: 'more' });
    const result = await fetchLambdaLogs(aws, { ...query, maxBytes: 10_500 });
    expect(result.truncated).toBe(true);
    expect(result.lines).toHaveLength(10);
  });

  it('cuts a single huge message', async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: events(0, 1, () => `START ${'y'.repeat(1_000_000)}`) });
    const [line] = (await fetchLambdaLogs(aws, query)).lines;
    expect(line?.message.startsWith('START yyy')).toBe(true);
    expect(line?.message.length).toBeLessThan(MAX_MESSAGE_CHARS + 20);
    expect(line?.message.endsWith('[truncated]')).toBe(true);
  });

  it('stops after maxPages of empty pages, truncated', async () => {
    let page = 0;
    logs.on(FilterLogEventsCommand).callsFake(() => Promise.resolve({ events: [], nextToken: `t${(page += 1)}` }));
    expect(await fetchLambdaLogs(aws, { ...query, maxPages: 4 })).toEqual({ lines: [], truncated: true });
    expect(page).toBe(4);
  });

  it('stops, without repeating lines, when the service hands back the token it was sent', async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: events(0, 1), nextToken: 'same' });
    const result = await fetchLambdaLogs(aws, query);
    expect(result.lines.map((line) => line.message)).toEqual(['line 0']);
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(2);
    expect(result.truncated).toBe(false);
  });

  it('fails with the throttling error and times out a slow page', async () => {
    logs.on(FilterLogEventsCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(fetchLambdaLogs(aws, query)).rejects.toThrow('cloudwatch-logs FilterLogEvents failed: ThrottlingException: Rate exceeded');
    logs.on(FilterLogEventsCommand).callsFake(never);
    await expect(fetchLambdaLogs(aws, { ...query, timeoutMs: 30 })).rejects.toMatchObject({ awsErrorName: 'TimeoutError' });
  });
});

describe('fetchLambdaMetrics', () => {
  it('asks for the four Lambda metrics of the function in one GetMetricData call and sums them', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'errors', Values: [3, 4] },
        { Id: 'throttles', Values: [] },
        { Id: 'invocations', Values: [10, 20, 5] },
        { Id: 'duration_max', Values: [2_900, 3_000.5, 100] },
      ],
    });
    expect(await fetchLambdaMetrics(aws, { functionName: 'orders', ...window, periodSeconds: 300 })).toEqual({
      errors: 7,
      throttles: null,
      invocations: 35,
      maxDurationMs: 3_000.5,
    });
    const calls = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.StartTime).toEqual(new Date(window.startTime));
    expect(input.EndTime).toEqual(new Date(window.endTime));
    expect(input.MetricDataQueries?.map((q) => [q.Id, q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat, q.MetricStat?.Period])).toEqual(
      [
        ['errors', 'Errors', 'Sum', 300],
        ['throttles', 'Throttles', 'Sum', 300],
        ['invocations', 'Invocations', 'Sum', 300],
        ['duration_max', 'Duration', 'Maximum', 300],
      ],
    );
    for (const q of input.MetricDataQueries ?? []) {
      expect(q.MetricStat?.Metric).toMatchObject({
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: 'orders' }],
      });
    }
  });

  it('gives null for every metric that returned no data', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    expect(await fetchLambdaMetrics(aws, { functionName: 'orders', ...window })).toEqual({
      errors: null,
      throttles: null,
      invocations: null,
      maxDurationMs: null,
    });
  });

  it('fails with the AWS error name when CloudWatch refuses', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(new LimitExceededException({ message: 'Too many datapoints', $metadata: {} }));
    await expect(fetchLambdaMetrics(aws, { functionName: 'orders', ...window })).rejects.toThrow(
      'cloudwatch GetMetricData failed: LimitExceededException: Too many datapoints',
    );
  });
});

describe('fetchAlarmChildren', () => {
  it('lists the metrics and dimensions of single-metric and metric-math children', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'orders-errors',
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: 'orders' }],
        },
        {
          AlarmName: 'api-5xx-rate',
          Metrics: [
            { Id: 'rate', Expression: 'errors / requests' },
            {
              Id: 'errors',
              MetricStat: {
                Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Dimensions: [{ Name: 'ApiName', Value: 'shop' }] },
                Period: 60,
                Stat: 'Sum',
              },
            },
          ],
        },
      ],
    });
    const children = await fetchAlarmChildren(aws, [
      'orders-errors',
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-5xx-rate',
      'orders-errors',
    ]);
    expect(children).toEqual([
      { name: 'orders-errors', namespace: 'AWS/Lambda', metric: 'Errors', dimensions: { FunctionName: 'orders' } },
      { name: 'api-5xx-rate', namespace: 'AWS/ApiGateway', metric: '5XXError', dimensions: { ApiName: 'shop' } },
    ]);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input.AlarmNames).toEqual(['orders-errors', 'api-5xx-rate']);
  });

  it('follows NextToken', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'a', Namespace: 'AWS/Lambda', MetricName: 'Errors' }], NextToken: 'n' })
      .on(DescribeAlarmsCommand, { NextToken: 'n' })
      .resolves({ MetricAlarms: [{ AlarmName: 'b', Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage' }] });
    expect((await fetchAlarmChildren(aws, ['a', 'b'])).map((child) => child.name)).toEqual(['a', 'b']);
  });

  it('makes no call for no children, and fails with the AWS error name when throttled', async () => {
    expect(await fetchAlarmChildren(aws, [])).toEqual([]);
    expect(cloudwatch.calls()).toHaveLength(0);
    const error = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    cloudwatch.on(DescribeAlarmsCommand).rejects(error);
    await expect(fetchAlarmChildren(aws, ['a'])).rejects.toThrow('cloudwatch DescribeAlarms failed: ThrottlingException: Rate exceeded');
  });
});
