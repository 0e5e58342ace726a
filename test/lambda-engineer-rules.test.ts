import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { chooseRootCause } from '../src/orchestrators/rules/choose-root-cause.js';
import type { LambdaConfig, LambdaEvidence, LogLine, MetricSummary } from '../src/orchestrators/specialists/lambda/evidence.js';
import { fetchCalleeConcurrency } from '../src/orchestrators/specialists/lambda/facts/callee-concurrency.js';
import { fetchLambdaLogs } from '../src/orchestrators/specialists/lambda/facts/lambda-logs.js';
import { adviceFor } from '../src/orchestrators/specialists/lambda/rules/advice.js';
import { alarmedDuration } from '../src/orchestrators/specialists/lambda/rules/alarm-duration.js';
import { lambdaHypotheses } from '../src/orchestrators/specialists/lambda/rules/lambda-rules.js';
import { awsCallIn } from '../src/orchestrators/specialists/lambda/signals/aws-call.js';
import { functionOfLogEvent, isOwnLogEvent } from '../src/orchestrators/specialists/lambda/signals/own-log-events.js';
import { isRetryNotice } from '../src/orchestrators/specialists/lambda/signals/retried-calls.js';
import { scanLogs } from '../src/orchestrators/specialists/lambda/signals/scan-logs.js';
import type { NormalizedAlarm } from '../src/producer/alarm.js';
import { lambdaConfigOf } from './support/lambda-config.js';

/** Rules an on-call engineer applies that signal counts alone do not: issue 10, item 3. */

const FN = 'quote-api';
const STREAM = '2024/03/12/[$LATEST]8f2d6c1e0b5a4f3e9d7c6b5a4f3e2d1c';
const REQUESTS = ['a1', 'b2', 'c3', 'd4', 'e5'].map((prefix) => `${prefix}c0ffee-2b4d-4e6f-8a9b-1c2d3e4f5a6b`);

function lambdaConfig(overrides: Partial<LambdaConfig> = {}): LambdaConfig {
  return lambdaConfigOf(FN, { timeoutSeconds: 10, memoryMb: 512, ...overrides });
}

interface Built {
  config?: Partial<LambdaConfig>;
  metrics?: Partial<MetricSummary>;
  callees?: LambdaEvidence['callees'];
}

/** Lines of one stream, in order, as FilterLogEvents hands them over. */
function evidenceOf(messages: string[], built: Built = {}): LambdaEvidence {
  const lines: LogLine[] = messages.map((message, index) => ({ timestamp: 1_710_238_000_000 + index, message, logStream: STREAM }));
  return {
    functionName: FN,
    config: lambdaConfig(built.config),
    logs: scanLogs(lines),
    metrics: { errors: 0, throttles: 0, invocations: 20, maxDurationMs: 900, ...built.metrics },
    ...(built.callees ? { callees: built.callees } : {}),
  };
}

/** One invocation in Lambda's text format: START, the lines, END and REPORT. */
function invocation(id: string, lines: string[], report = ''): string[] {
  return [
    `START RequestId: ${id} Version: $LATEST`,
    ...lines.map((line) => `2024-03-12T10:15:03.456Z\t${id}\t${line}`),
    `END RequestId: ${id}`,
    `REPORT RequestId: ${id}\tDuration: 540.02 ms\tBilled Duration: 541 ms\tMemory Size: 512 MB\tMax Memory Used: 101 MB\t${report}`,
  ];
}

const typeError = (id: string) =>
  invocation(id, [
    `ERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'hits')","stack":["TypeError: Cannot read properties of undefined (reading 'hits')","    at toResults (/var/task/search.js:41:32)"]}`,
  ]);

function rootOf(evidence: LambdaEvidence, alarm?: NormalizedAlarm) {
  const hypotheses = lambdaHypotheses(evidence, alarm);
  return { hypotheses, root: chooseRootCause(hypotheses), advice: () => adviceFor(chooseRootCause(hypotheses), evidence).join('\n') };
}

function durationAlarm(reason: string, dimensions: Record<string, string> = { FunctionName: FN }): NormalizedAlarm {
  return {
    name: `${FN}-duration-p99`,
    arn: null,
    state: 'ALARM',
    previous_state: 'OK',
    reason,
    region: 'us-east-1',
    account: '123456789012',
    namespace: 'AWS/Lambda',
    metric: 'Duration',
    dimensions,
    time: '2024-03-12T10:20:00Z',
    format: 'eventbridge',
    children: [],
    metrics: [],
  };
}

const NEAR_TIMEOUT_REASON =
  'Threshold Crossed: 3 out of the last 3 datapoints [9958.06 (12/03/24 10:19:00), 9912.73 (12/03/24 10:18:00), 9870.41 (12/03/24 10:17:00)] was greater than the threshold (8000.0) (minimum 3 datapoints for OK -> ALARM transition).';

describe("the alarm's own metric", () => {
  const loudErrors = () =>
    evidenceOf([...typeError(REQUESTS[0]!), ...typeError(REQUESTS[1]!), ...typeError(REQUESTS[2]!)], { metrics: { errors: 3 } });

  it('reads the datapoints and threshold a Duration alarm states', () => {
    expect(alarmedDuration(durationAlarm(NEAR_TIMEOUT_REASON), FN)).toEqual({
      alarmName: `${FN}-duration-p99`,
      thresholdMs: 8000,
      datapointsMs: [9958.06, 9912.73, 9870.41],
    });
  });

  it('points a p99 Duration alarm near the timeout to timeout, above louder unhandled exceptions', () => {
    const { hypotheses, root } = rootOf(loudErrors(), durationAlarm(NEAR_TIMEOUT_REASON));
    expect(hypotheses.find((h) => h.type === 'code_error')?.confidence).toBeGreaterThanOrEqual(0.85);
    expect(root.type).toBe('timeout');
    expect(root.description).toContain('10 s timeout');
    expect(root.description).toContain('99.6% of the timeout');
    expect(hypotheses.find((h) => h.type === 'timeout')?.evidence[0]).toContain('datapoints [9958.06, 9912.73, 9870.41] ms');
  });

  it('leaves the logs to decide without that alarm, or when the alarm sits well below the timeout', () => {
    expect(rootOf(loudErrors()).root.type).toBe('code_error');
    const latency =
      'Threshold Crossed: 1 out of the last 1 datapoints [1450.2 (12/03/24 10:19:00)] was greater than the threshold (1000.0)';
    expect(rootOf(loudErrors(), durationAlarm(latency)).root.type).toBe('code_error');
  });

  it("ignores a Duration alarm on another function, and reads an alias's Resource dimension as the function", () => {
    expect(rootOf(loudErrors(), durationAlarm(NEAR_TIMEOUT_REASON, { FunctionName: 'other-fn' })).root.type).toBe('code_error');
    expect(rootOf(loudErrors(), durationAlarm(NEAR_TIMEOUT_REASON, { FunctionName: FN, Resource: `${FN}:live` })).root.type).toBe(
      'timeout',
    );
  });
});

describe('retried dependency calls and warnings', () => {
  const retriedThenPriced = (id: string) =>
    invocation(id, [
      'ERROR\tinventory call failed: Error: read ECONNRESET',
      'INFO\tRetrying inventory call after ECONNRESET (attempt 2 of 3)',
      'INFO\tcart priced: 3 lines',
    ]);

  it('turns an error retried within an invocation that then succeeded into a warning', () => {
    const scan = evidenceOf(retriedThenPriced(REQUESTS[0]!)).logs!;
    expect(scan.signals.map((s) => s.kind)).toEqual(['warning', 'warning']);
    expect(scan.signals[0]?.detail).toBe('retried, then succeeded: inventory call failed: Error: read ECONNRESET');
  });

  it('keeps the error when the retry failed too, or the invocation did not succeed', () => {
    const failedAgain = invocation(REQUESTS[0]!, [
      'ERROR\tinventory call failed: Error: read ECONNRESET',
      'INFO\tRetrying inventory call after ECONNRESET (attempt 2 of 3)',
      'ERROR\tinventory call failed: Error: connect ECONNREFUSED 10.0.3.12:443',
    ]);
    expect(evidenceOf(failedAgain).logs!.signals.map((s) => s.kind)).toContain('downstream_unavailable');
    const timedOut = invocation(REQUESTS[1]!, ['ERROR\tError: read ECONNRESET', 'INFO\tRetrying (attempt 2)'], 'Status: timeout');
    expect(evidenceOf(timedOut).logs!.signals.map((s) => s.kind)).toContain('downstream_unavailable');
  });

  it('reads the retry notices of urllib3, the SDKs and handlers, and not a first attempt', () => {
    for (const notice of [
      "Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError'",
      'Retryable error detected. Will retry in 48ms. Request attempt number 2',
      'Retry needed, retrying request after delay of: 0.4219',
      'charge call failed, attempt #3 in 800 ms',
    ]) {
      expect(isRetryNotice(notice), notice).toBe(true);
    }
    expect(isRetryNotice('attempt 1 of 3: calling inventory')).toBe(false);
    expect(isRetryNotice('order 2 retrieved')).toBe(false);
  });

  it('lets failed invocations outrank many retried-and-recovered calls', () => {
    const lines = [...REQUESTS.slice(0, 4).flatMap(retriedThenPriced), ...typeError(REQUESTS[4]!)];
    const { root, hypotheses } = rootOf(evidenceOf(lines, { metrics: { errors: 1 } }));
    expect(root.type).toBe('code_error');
    expect(hypotheses.map((h) => h.type)).not.toContain('downstream_error');
  });

  it('never lets a WARN line outrank an unhandled exception, whatever it mentions', () => {
    const deprecation = `2024-03-12T09:58:00.300Z\tundefined\tWARN\t@acme/inventory-client: getStock() is deprecated; TimeoutError handling changes in v5`;
    const python = '[WARNING]\t2024-03-12T09:58:00.300Z\t\tbotocore: ThrottlingException handling is deprecated';
    const scan = evidenceOf([deprecation, python]).logs!;
    expect(scan.signals.map((s) => s.kind)).toEqual(['warning', 'warning']);
    expect(rootOf(evidenceOf([deprecation, deprecation, deprecation, ...typeError(REQUESTS[0]!)])).root.type).toBe('code_error');
  });
});

describe('a permission denied while the function starts', () => {
  const key = 'arn:aws:kms:us-east-1:123456789012:key/4f1c2d3e-8a9b-4c5d-9e0f-a1b2c3d4e5f6';
  const denied =
    `[ERROR] ClientError: An error occurred (AccessDenied) when calling the GetObject operation: User: arn:aws:sts::123456789012:assumed-role/crm-sync-role/crm-sync is not authorized to perform: kms:Decrypt on resource: ${key} because no identity-based policy allows the kms:Decrypt action\n` +
    'Traceback (most recent call last):\n  File "/var/task/app.py", line 14, in <module>\n    SETTINGS = load_settings()';
  const initFailed = 'INIT_REPORT Init Duration: 661.48 ms\tPhase: init\tStatus: error\tError Type: Runtime.Unknown';

  it('is permission_denied, not init_error, naming the action, and quoting the init failure', () => {
    const { root, hypotheses } = rootOf(evidenceOf([denied, initFailed, denied, initFailed], { metrics: { errors: 2 } }));
    expect(root.type).toBe('permission_denied');
    expect(root.confidence).toBeGreaterThanOrEqual(0.9);
    expect(root.description).toContain('cannot start: its init is denied');
    expect(root.description).toContain('kms:Decrypt');
    expect(hypotheses.map((h) => h.type)).not.toContain('init_error');
    expect(hypotheses[0]?.evidence.some((line) => line.startsWith('init_error'))).toBe(true);
  });

  it('advises the missing action on the key the log names', () => {
    const { advice } = rootOf(evidenceOf([denied, initFailed]));
    expect(advice()).toContain(`kms:Decrypt on ${key}`);
  });

  it("advises kms:Decrypt on the environment's key for Lambda's own KMSAccessDeniedException", () => {
    const kms =
      "KMSAccessDeniedException: Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings.";
    const { root, advice } = rootOf(evidenceOf([kms, initFailed]));
    expect(root.type).toBe('permission_denied');
    expect(advice()).toContain(`kms:Decrypt on the KMS key that encrypts ${FN}'s environment`);
  });

  it('stays an init error when the runtime wrote another cause (a missing module)', () => {
    const module = `2024-03-12T10:15:00.120Z\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module 'stripe'"}`;
    const unrelated =
      'User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:1:jobs';
    expect(rootOf(evidenceOf([module, initFailed, unrelated])).root.type).toBe('init_error');
  });
});

describe('a throttled invoke of another function', () => {
  const throttledInvoke = (id: string) =>
    invocation(id, [
      'INFO\tInvoking arn:aws:lambda:us-east-1:123456789012:function:pricing-engine for quote q-48210',
      'ERROR\tInvoke Error \t{"errorType":"TooManyRequestsException","errorMessage":"Rate Exceeded.","Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","stack":["TooManyRequestsException: Rate Exceeded.","    at de_TooManyRequestsExceptionRes (/var/runtime/node_modules/@aws-sdk/client-lambda/dist-cjs/index.js:3216:21)"]}',
    ]);
  const lines = REQUESTS.slice(0, 3).flatMap(throttledInvoke);

  it('names the callee an earlier line of the same invocation invoked', () => {
    const signal = evidenceOf(lines).logs!.signals.find((s) => s.kind === 'throttled');
    expect(signal).toMatchObject({ subject: 'pricing-engine', count: 3 });
  });

  it('blames the callee, with its concurrency, as a downstream error of the caller', () => {
    const callees = [{ functionName: 'pricing-engine', reservedConcurrency: 2 }];
    const { root, hypotheses, advice } = rootOf(evidenceOf(lines, { metrics: { errors: 3 }, callees }));
    expect(root.type).toBe('downstream_error');
    expect(root.description).toContain('quote-api is not throttled itself');
    expect(root.description).toContain('pricing-engine, is throttled, at its reserved concurrency of 2');
    expect(hypotheses.map((h) => h.type)).not.toContain('throttling');
    expect(advice()).toContain('Raise the reserved concurrency of pricing-engine from 2');
    expect(advice()).not.toContain('Reserve concurrency for quote-api');
  });

  it('says so when the callee has no reserved concurrency, and when the logs do not name it', () => {
    const unreserved = rootOf(evidenceOf(lines, { callees: [{ functionName: 'pricing-engine', reservedConcurrency: null }] }));
    expect(unreserved.root.description).toContain('no reserved concurrency');
    const anonymous = rootOf(evidenceOf(['TooManyRequestsException: Rate Exceeded.'], { metrics: { errors: 1 } }));
    expect(anonymous.root.type).toBe('downstream_error');
    expect(anonymous.root.description).toContain('a function or service it calls throttles it');
  });

  it("still reads the function's own Throttles metric as throttling", () => {
    expect(rootOf(evidenceOf([], { config: { reservedConcurrency: 5 }, metrics: { throttles: 40, invocations: 40 } })).root.type).toBe(
      'throttling',
    );
  });

  it("reads the callee's reserved concurrency with GetFunctionConcurrency through the lambda client", async () => {
    const lambda = mockClient(LambdaClient);
    try {
      lambda.on(GetFunctionConcurrencyCommand, { FunctionName: 'pricing-engine' }).resolves({ ReservedConcurrentExecutions: 2 });
      const scan = evidenceOf(lines).logs!;
      expect(await fetchCalleeConcurrency(createAwsClients({ region: 'us-east-1' }), scan)).toEqual([
        { functionName: 'pricing-engine', reservedConcurrency: 2 },
      ]);
      lambda.rejects(new Error('AccessDeniedException'));
      expect(await fetchCalleeConcurrency(createAwsClients({ region: 'us-east-1' }), scan)).toEqual([
        { functionName: 'pricing-engine', reservedConcurrency: undefined },
      ]);
      expect(
        await fetchCalleeConcurrency(createAwsClients({ region: 'us-east-1' }), evidenceOf(typeError(REQUESTS[0]!)).logs!),
      ).toBeUndefined();
    } finally {
      lambda.restore();
    }
  });
});

describe('a log group shared by several functions', () => {
  it("tells each event's function by its stream name, or by its record when the stream does not say", () => {
    expect(functionOfLogEvent('2024/03/12/payment-authorizer[$LATEST]3f2a9b8c7d6e', 'START RequestId: x')).toBe('payment-authorizer');
    expect(functionOfLogEvent('2024/03/12/cart-service[7]9b1c', '')).toBe('cart-service');
    expect(functionOfLogEvent('2024/03/12/[$LATEST]8f2d6c1e', 'START')).toBeNull();
    expect(functionOfLogEvent(undefined, '{"level":"ERROR","function_name":"cart-service","message":"boom"}')).toBe('cart-service');
    expect(isOwnLogEvent('payment-authorizer', '2024/03/12/cart-service[$LATEST]9b1c', 'x')).toBe(false);
    expect(isOwnLogEvent('payment-authorizer', 'ecs/worker/1', 'plain text')).toBe(true);
  });

  it("keeps only the function's own events, and they alone count against the caps", async () => {
    const logs = mockClient(CloudWatchLogsClient);
    try {
      const event = (stream: string, message: string, at: number) => ({ logStreamName: stream, message, timestamp: at, eventId: `${at}` });
      logs.on(FilterLogEventsCommand).resolves({
        events: [
          event('2024/03/12/cart-service[$LATEST]9b1c', "Error: Cannot find module 'stripe'", 1),
          event('2024/03/12/payment-authorizer[$LATEST]3f2a', 'Task timed out after 6.00 seconds', 2),
          event('2024/03/12/cart-service[$LATEST]9b1c', 'INIT_REPORT Init Duration: 191.32 ms\tPhase: init\tStatus: error', 3),
          event('2024/03/12/payment-authorizer[$LATEST]3f2a', 'REPORT RequestId: r\tDuration: 6000.00 ms', 4),
        ],
      });
      const aws = createAwsClients({ region: 'us-east-1' });
      const query = { logGroup: '/acme/checkout-services', startTime: 0, endTime: 10, maxEvents: 2 };
      const own = await fetchLambdaLogs(aws, { ...query, onlyFunction: 'payment-authorizer' });
      expect(own).toEqual({
        lines: [expect.objectContaining({ timestamp: 2 }), expect.objectContaining({ timestamp: 4 })],
        truncated: false,
      });
      expect((await fetchLambdaLogs(aws, query)).truncated).toBe(true);
    } finally {
      logs.restore();
    }
  });
});

describe('descriptions and advice that name what failed', () => {
  const ssmThrottle =
    '[ERROR] ClientError: An error occurred (ThrottlingException) when calling the GetParameter operation (reached max retries: 4): Rate exceeded\nTraceback (most recent call last):\n  File "/var/task/app.py", line 17, in load_flags';

  it('names the service that throttled and gives advice for it, not DynamoDB advice', () => {
    const { root, advice } = rootOf(evidenceOf([ssmThrottle, ssmThrottle, ssmThrottle], { metrics: { errors: 3 } }));
    expect(root.type).toBe('downstream_error');
    expect(root.description).toContain('SSM GetParameter throttles quote-api');
    expect(root.description).toContain('ClientError: An error occurred (ThrottlingException) when calling the GetParameter operation');
    expect(advice()).toContain('cache parameters');
    expect(advice()).not.toMatch(/DynamoDB|provisioned/);
  });

  it('reads the service from each SDK shape', () => {
    expect(awsCallIn('operation error SSM: GetParameter, https response error StatusCode: 400, api error ThrottlingException')).toEqual({
      service: 'SSM',
      operation: 'GetParameter',
    });
    expect(awsCallIn('Rate exceeded (Service: Ssm, Status Code: 400, Request ID: 1f2e)')).toEqual({ service: 'SSM', operation: null });
    expect(
      awsCallIn('at de_ThrottlingExceptionRes (/var/runtime/node_modules/@aws-sdk/client-secrets-manager/dist-cjs/index.js:1:1)'),
    ).toEqual({ service: 'Secrets Manager', operation: null });
    expect(awsCallIn('Amazon.DynamoDBv2.Model.ProvisionedThroughputExceededException: Rate exceeded')?.service).toBe('DynamoDB');
    expect(awsCallIn('HTTP 429 from https://api.example.com')).toBeNull();
  });

  it('quotes the exception the runtime wrote, not the platform line that reported the crash', () => {
    const crash = (id: string, order: number) => [
      `START RequestId: ${id} Version: $LATEST`,
      `2024-03-12T10:15:03.456Z\t${id}\tERROR\tUncaught Exception \t{"errorType":"Error","errorMessage":"ledger row ${order} has no currency"}`,
      `RequestId: ${id} Error: Runtime exited with error: exit status 129\nRuntime.ExitError`,
      `END RequestId: ${id}`,
      `REPORT RequestId: ${id}\tDuration: 80.00 ms\tBilled Duration: 80 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tStatus: error\tError Type: Runtime.ExitError`,
    ];
    const lines = REQUESTS.slice(0, 3).flatMap((id, index) => crash(id, 100 + index));
    const { root } = rootOf(evidenceOf(lines, { metrics: { errors: 3 } }));
    expect(root.type).toBe('code_error');
    expect(root.description).toMatch(/Error: ledger row 10\d has no currency/);
  });

  it('gives no concurrency advice for throttles that come with a failing consumer', () => {
    const keyError = (id: string) => [
      `START RequestId: ${id} Version: $LATEST`,
      `[ERROR] KeyError: 'customer_id'\nTraceback (most recent call last):\n  File "/var/task/app.py", line 12, in handler\n    customer = record['customer_id']`,
      `END RequestId: ${id}`,
      `REPORT RequestId: ${id}\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 512 MB\tMax Memory Used: 70 MB`,
    ];
    const consumer = evidenceOf(keyError(REQUESTS[0]!), { metrics: { errors: 40, throttles: 12, invocations: 40 } });
    const { root, advice } = rootOf(consumer);
    expect(root.type).toBe('code_error');
    expect(advice()).not.toMatch(/[Rr]eserve/);
    const throttling = lambdaHypotheses(consumer).find((h) => h.type === 'throttling');
    expect(
      adviceFor({ type: 'throttling', description: throttling!.description, confidence: throttling!.confidence }, consumer).join('\n'),
    ).toContain("Fix why invocations of quote-api fail first (KeyError: 'customer_id')");
  });
});
