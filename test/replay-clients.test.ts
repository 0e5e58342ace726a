import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  ThrottlingException as LogsThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  LambdaServiceException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { CallRecorder } from '../src/orchestrators/aws/recorder.js';
import { loadRecording, parseRecording } from '../src/orchestrators/aws/recording.js';
import { fetchLambdaConfig } from '../src/orchestrators/specialists/lambda/facts/lambda-config.js';
import { fetchLambdaLogs } from '../src/orchestrators/specialists/lambda/facts/lambda-logs.js';

const ordersConfig = { FunctionName: 'orders', Timeout: 3, MemorySize: 128, Runtime: 'nodejs20.x' } as const;

const recording = parseRecording(
  {
    calls: [
      { service: 'lambda', command: 'GetFunctionConfiguration', input: { FunctionName: 'orders' }, output: ordersConfig },
      {
        service: 'lambda',
        command: 'GetFunctionConfiguration',
        input: { FunctionName: 'busy' },
        error: { name: 'TooManyRequestsException', message: 'Rate exceeded' },
      },
      {
        service: 'lambda',
        command: 'GetFunctionConcurrency',
        input: { FunctionName: 'busy' },
        error: { name: 'ThrottlingException', message: 'Rate exceeded' },
      },
      {
        service: 'cloudwatch-logs',
        command: 'FilterLogEvents',
        input: { logGroupName: '/aws/lambda/busy' },
        error: { name: 'ThrottlingException', message: 'Rate exceeded' },
      },
      {
        service: 'cloudwatch',
        command: 'DescribeAlarms',
        input: {},
        output: { MetricAlarms: [{ AlarmName: 'child', Namespace: 'AWS/Lambda', MetricName: 'Errors' }] },
      },
    ],
  },
  'test',
);

describe('replay clients', () => {
  // A closed local port: if a replayed call reached the network it would fail with ECONNREFUSED.
  beforeEach(() => {
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9');
    vi.stubEnv('AWS_PROFILE', 'promptrca-profile-that-does-not-exist');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('answers a real SDK command with the recorded output', async () => {
    const aws = createAwsClients({ region: 'eu-west-1', replay: recording });
    const answer = await aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    expect(answer).toMatchObject(ordersConfig);
    expect(answer.$metadata).toEqual({});
    expect(aws.region).toBe('eu-west-1');
  });

  it('answers each client for its own service only', async () => {
    const aws = createAwsClients({ region: 'eu-west-1', replay: recording });
    const answer = await aws.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['child'] }));
    expect(answer.MetricAlarms?.[0]?.MetricName).toBe('Errors');
    await expect(aws.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/orders' }))).rejects.toThrow(
      'No recorded call matched cloudwatch-logs FilterLogEvents {"logGroupName":"/aws/lambda/orders"}',
    );
  });

  it('throws a recorded error as the client package’s own exception class', async () => {
    const aws = createAwsClients({ region: 'eu-west-1', replay: recording });
    const failure = aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'busy' }));
    await expect(failure).rejects.toBeInstanceOf(TooManyRequestsException);
    await expect(failure).rejects.toMatchObject({ name: 'TooManyRequestsException', message: 'Rate exceeded' });

    const logsFailure = aws.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/busy' }));
    await expect(logsFailure).rejects.toBeInstanceOf(LogsThrottlingException);
  });

  it('throws an error name the package has no class for as its service exception with that name', async () => {
    const aws = createAwsClients({ region: 'eu-west-1', replay: recording });
    const failure = aws.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'busy' }));
    await expect(failure).rejects.toBeInstanceOf(LambdaServiceException);
    await expect(failure).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
  });

  it('fails an unrecorded call with ResourceNotFoundException naming service, command and input', async () => {
    const aws = createAwsClients({ region: 'eu-west-1', replay: recording });
    const failure = aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'missing' }));
    await expect(failure).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(failure).rejects.toThrow('No recorded call matched lambda GetFunctionConfiguration {"FunctionName":"missing"}');
  });

  it('feeds a fact tool from the recording', async () => {
    const replay = parseRecording(
      {
        calls: [
          { service: 'lambda', command: 'GetFunctionConfiguration', input: { FunctionName: 'orders' }, output: ordersConfig },
          {
            service: 'lambda',
            command: 'GetFunctionConcurrency',
            input: { FunctionName: 'orders' },
            output: { ReservedConcurrentExecutions: 2 },
          },
        ],
      },
      'test',
    );
    const config = await fetchLambdaConfig(createAwsClients({ region: 'us-east-1', replay }), 'orders');
    expect(config).toMatchObject({ functionName: 'orders', reservedConcurrency: 2, memoryMb: 128, timeoutSeconds: 3 });
  });

  it('hands each caller its own copy of a recorded output', async () => {
    const aws = createAwsClients({ region: 'eu-west-1', replay: recording });
    const first = await aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    first.Timeout = 900;
    const second = await aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    expect(second.Timeout).toBe(3);
  });
});

describe('CallRecorder', () => {
  // Mocked before the clients exist, as the worker would meet them: the recorder wraps the mock.
  let lambdaMock: AwsClientStub<LambdaClient>;
  let logsMock: AwsClientStub<CloudWatchLogsClient>;
  beforeEach(() => {
    lambdaMock = mockClient(LambdaClient);
    logsMock = mockClient(CloudWatchLogsClient);
  });
  afterEach(() => {
    lambdaMock.restore();
    logsMock.restore();
  });

  it('captures each call: service, command, input, output without $metadata, or the error', async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand, { FunctionName: 'orders' })
      .resolves({ ...ordersConfig, $metadata: { httpStatusCode: 200, requestId: 'r-1' } })
      .on(GetFunctionConfigurationCommand, { FunctionName: 'busy' })
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const recorder = new CallRecorder();
    const aws = createAwsClients({ region: 'eu-west-1', recorder });

    const answer = await aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    await expect(aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'busy' }))).rejects.toThrow('Rate exceeded');

    expect(answer.$metadata.requestId).toBe('r-1');
    expect(recorder.calls).toEqual([
      { service: 'lambda', command: 'GetFunctionConfiguration', input: { FunctionName: 'orders' }, output: ordersConfig },
      {
        service: 'lambda',
        command: 'GetFunctionConfiguration',
        input: { FunctionName: 'busy' },
        output: null,
        error: { name: 'TooManyRequestsException', message: 'Rate exceeded' },
      },
    ]);
  });

  it('saves a recording that replays the same answers, pages included', async () => {
    const window = { startTime: Date.parse('2024-05-01T10:00:00Z'), endTime: Date.parse('2024-05-01T10:30:00Z') };
    const event = (n: number) => ({ timestamp: window.startTime + n, message: `line ${n}`, logStreamName: 's' });
    logsMock
      .on(FilterLogEventsCommand)
      .resolves({ events: [event(1), event(2)], nextToken: 'page-2' })
      .on(FilterLogEventsCommand, { nextToken: 'page-2' })
      .resolves({ events: [event(3)] });
    const recorder = new CallRecorder();
    const recorded = await fetchLambdaLogs(createAwsClients({ region: 'eu-west-1', recorder }), {
      logGroup: '/aws/lambda/orders',
      ...window,
    });
    const path = join(await mkdtemp(join(tmpdir(), 'recorder-')), 'recording.json');
    await recorder.save(path);
    logsMock.restore();

    const saved = JSON.parse(await readFile(path, 'utf8')) as { calls: Array<{ input: Record<string, unknown> }> };
    expect(saved.calls).toHaveLength(2);
    expect(saved.calls[0]?.input.nextToken).toBe('page-2');

    const replayed = await fetchLambdaLogs(createAwsClients({ region: 'eu-west-1', replay: await loadRecording(path) }), {
      logGroup: '/aws/lambda/orders',
      ...window,
    });
    expect(recorded.lines.map((line) => line.message)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(replayed).toEqual(recorded);
  });
});
