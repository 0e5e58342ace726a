import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  LambdaServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../src/orchestrators/aws/clients.js';
import type { LambdaConfig, LambdaEvidence } from '../src/orchestrators/specialists/lambda/evidence.js';
import { gatherLambdaEvidence } from '../src/orchestrators/specialists/lambda/gather-lambda-evidence.js';
import { lambdaFactTools } from '../src/orchestrators/specialists/lambda/lambda-fact-tools.js';
import { lambdaBehind } from '../src/orchestrators/specialists/lambda/lambda-resource.js';
import { lambdaHypotheses } from '../src/orchestrators/specialists/lambda/rules/lambda-rules.js';
import { RECENT_CHANGE_WINDOW_MS, recentChangeOf, weighRecentChange } from '../src/orchestrators/specialists/lambda/rules/recent-change.js';
import { scanLogs } from '../src/orchestrators/specialists/lambda/signals/scan-logs.js';
import { investigateWithFailures } from './support/failing-replay.js';

const ALARM_AT = Date.parse('2024-05-01T10:20:00Z');
const window = { startTime: Date.parse('2024-05-01T09:50:00Z'), endTime: Date.parse('2024-05-01T10:25:00Z'), alarmTime: ALARM_AT };
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders';

const version = (Version: string, LastModified = '2024-04-20T08:00:00.000+0000'): FunctionConfiguration => ({
  FunctionName: 'orders',
  FunctionArn: Version === '$LATEST' ? ARN : `${ARN}:${Version}`,
  Runtime: 'nodejs20.x',
  Handler: 'index.handler',
  Timeout: 10,
  MemorySize: 256,
  LastModified,
  Version,
  CodeSha256: `sha-of-${Version}`,
});
const denied = () =>
  new LambdaServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: 'User: arn:aws:sts::123456789012:assumed-role/promptrca/worker is not authorized to perform: lambda:GetAlias',
  });

describe('the version an alarm on an alias or version reads (real SDK client, mocked)', () => {
  let lambda: AwsClientStub<LambdaClient>;
  let logs: AwsClientStub<CloudWatchLogsClient>;
  let cloudwatch: AwsClientStub<CloudWatchClient>;
  let aws: AwsClients;
  beforeEach(() => {
    logs = mockClient(CloudWatchLogsClient).on(FilterLogEventsCommand).resolves({ events: [] });
    cloudwatch = mockClient(CloudWatchClient).on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    lambda = mockClient(LambdaClient);
    lambda.on(GetFunctionConcurrencyCommand).resolves({});
    lambda.on(GetFunctionConfigurationCommand).resolves(version('$LATEST'));
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'orders', Qualifier: '7' }).resolves(version('7'));
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'orders', Qualifier: 'live' }).resolves(version('7'));
    aws = createAwsClients({ region: 'us-east-1' });
  });
  afterEach(() => {
    lambda.restore();
    logs.restore();
    cloudwatch.restore();
  });

  const qualifiers = () => lambda.commandCalls(GetFunctionConfigurationCommand).map((call) => call.args[0].input.Qualifier ?? null);

  it('resolves an alias with GetAlias and reads that version, never $LATEST', async () => {
    lambda.on(GetAliasCommand, { FunctionName: 'orders', Name: 'live' }).resolves({
      Name: 'live',
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } },
    });
    const { evidence, failures } = await gatherLambdaEvidence(aws, { name: 'orders', qualifier: 'live' }, window);
    expect(failures).toEqual([]);
    expect(evidence.alias).toEqual({ name: 'live', functionVersion: '7', additionalVersionWeights: { '8': 0.1 } });
    expect(evidence.config?.version).toBe('7');
    expect(qualifiers()).toEqual(['7']);
    // Reserved concurrency is the function's, not a version's.
    expect(lambda.commandCalls(GetFunctionConcurrencyCommand)[0]?.args[0].input).toEqual({ FunctionName: 'orders' });
  });

  it('reads a named version directly, without GetAlias', async () => {
    const { evidence } = await gatherLambdaEvidence(aws, { name: 'orders', qualifier: '7' }, window);
    expect(evidence.config?.version).toBe('7');
    expect(lambda.commandCalls(GetAliasCommand)).toHaveLength(0);
    expect(qualifiers()).toEqual(['7']);
  });

  it('GetAlias denied: a named gap, and the configuration read through the alias itself (no crash, no guess)', async () => {
    lambda.on(GetAliasCommand).rejects(denied());
    const { evidence, failures, nothingRead } = await gatherLambdaEvidence(aws, { name: 'orders', qualifier: 'live' }, window);
    expect(nothingRead).toBe(false);
    expect(failures.map(String)).toContainEqual(expect.stringContaining('lambda GetAlias failed: AccessDeniedException'));
    expect(evidence.alias).toBeNull();
    expect(qualifiers()).toEqual(['live']);
    expect(evidence.config?.version).toBe('7');
  });

  it("agent_tools' get_lambda_config reads the version of the alias the alarm named, and names what failed", async () => {
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '7' });
    lambda.on(GetFunctionConcurrencyCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const resources = [{ type: 'lambda', name: 'orders', qualifier: 'live' }];
    const { tools, read } = lambdaFactTools(aws, window, 1_000, resources);
    const result = await tools.find((tool) => tool.name === 'get_lambda_config')?.run({ function_name: 'orders' });
    expect(result).toMatchObject({
      version: '7',
      alias: 'live',
      alias_version: '7',
      reserved_concurrency: 'unknown',
      failed_reads: ['lambda GetFunctionConcurrency failed: TooManyRequestsException: Rate exceeded'],
    });
    expect(read()[0]?.evidence).toMatchObject({ qualifier: 'live', config: { version: '7' } });
  });
});

describe('an integration or task names a qualified function', () => {
  it('keeps its alias or version, and drops $LATEST', () => {
    const uri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${ARN}:live/invocations`;
    expect(lambdaBehind(uri, 'api integration')).toEqual({
      type: 'lambda',
      name: 'orders',
      region: 'us-east-1',
      via: 'api integration',
      qualifier: 'live',
      arn: `${ARN}:live`,
    });
    expect(lambdaBehind(`${ARN}:$LATEST`, 'execution history')).toMatchObject({ name: 'orders', arn: ARN });
    expect(lambdaBehind(`${ARN}:$LATEST`, 'execution history')).not.toHaveProperty('qualifier');
  });
});

function config(overrides: Partial<LambdaConfig> = {}): LambdaConfig {
  return {
    functionName: 'orders',
    functionArn: ARN,
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    timeoutSeconds: 10,
    memoryMb: 256,
    role: null,
    lastModified: '2024-05-01T10:05:30.000+0000',
    version: '12',
    codeSha256: 'abc=',
    environmentVariableNames: [],
    logGroup: '/aws/lambda/orders',
    reservedConcurrency: null,
    state: 'Active',
    lastUpdateStatus: 'Successful',
    ...overrides,
  };
}

describe('a recent change of the serving version', () => {
  const alias = { name: 'prod', functionVersion: '12', additionalVersionWeights: {} };

  it('is the time from LastModified to the alarm, within the window before it only', () => {
    expect(recentChangeOf(config(), alias, ALARM_AT)).toEqual({
      version: '12',
      alias: 'prod',
      lastModified: '2024-05-01T10:05:30.000+0000',
      minutesBeforeAlarm: 15,
      codeSha256: 'abc=',
    });
    const longAgo = new Date(ALARM_AT - RECENT_CHANGE_WINDOW_MS - 60_000).toISOString().replace('Z', '+0000');
    expect(recentChangeOf(config({ lastModified: longAgo }), alias, ALARM_AT)).toBeNull();
    // A change after the alarm did not cause it; without the alarm's time nothing can be said.
    expect(recentChangeOf(config({ lastModified: '2024-05-01T10:30:00.000+0000' }), alias, ALARM_AT)).toBeNull();
    expect(recentChangeOf(config(), alias, undefined)).toBeNull();
  });

  const exception = `2024-05-01T10:15:00.000Z\tc0ffee00-1111-2222-3333-444455556666\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'amount')","stack":[]}`;
  const evidence = (messages: string[], recent: boolean): LambdaEvidence => ({
    functionName: 'orders',
    config: config(),
    recentChange: recent ? recentChangeOf(config(), alias, ALARM_AT) : null,
    logs: scanLogs(messages.map((message, index) => ({ timestamp: ALARM_AT - 60_000 + index, message }))),
    metrics: { errors: 2, throttles: 5, invocations: 10, maxDurationMs: 40 },
  });

  it('raises a code error the logs show and says so; a throttle it leaves alone', () => {
    const without = lambdaHypotheses(evidence([exception], false));
    const withChange = lambdaHypotheses(evidence([exception], true));
    const code = (all: typeof without) => all.find((h) => h.type === 'code_error');
    expect(code(withChange)?.confidence).toBeCloseTo((code(without)?.confidence ?? 0) + 0.05);
    expect(code(withChange)?.description).toContain('since version 12 (alias prod) changed 15 min before the alarm');
    expect(code(withChange)?.evidence).toContainEqual(expect.stringContaining('changed 15 min before the alarm'));
    const throttling = (all: typeof without) => all.find((h) => h.type === 'throttling');
    expect(throttling(withChange)).toEqual(throttling(without));
  });

  it('alone, with no failure in the logs, is no root cause', () => {
    const quiet = { ...evidence([], true), metrics: { errors: 0, throttles: 0, invocations: 10, maxDurationMs: 40 } };
    expect(lambdaHypotheses(quiet).map((h) => h.type)).toEqual(['unknown']);
    expect(weighRecentChange([], quiet)).toEqual([]);
  });
});

describe('bundled scenarios of versions and changes (replayed through the real SDK clients)', () => {
  it('an alarm on an alias reads the version the alias serves, whose configuration lacks what $LATEST has', async () => {
    const report = await investigateWithFailures('lambda-alias-version-missing-env-var');
    expect(report.resources).toEqual([
      { type: 'lambda', name: 'order-confirmation', region: 'us-east-1', qualifier: 'live', via: 'alarm' },
    ]);
    expect(report.facts.map((f) => f.content)).toContainEqual('order-confirmation:live serves version 7');
    expect(report.root_cause).toMatchObject({ type: 'configuration_error', confidence: 0.92 });
    expect(report.root_cause?.description).toContain('ORDERS_TABLE, which its configuration lacks');
  });

  it('GetAlias denied: a warning names it; the logs still give the cause; nothing missing that time cures', async () => {
    const report = await investigateWithFailures('lambda-alias-version-missing-env-var', {
      'lambda GetAlias': { name: 'AccessDeniedException', message: 'not authorized to perform: lambda:GetAlias' },
    });
    expect(report.status).toBe('completed');
    expect(report.warnings).toContainEqual(expect.stringContaining('lambda GetAlias failed: AccessDeniedException'));
    expect(report.missing_facts).toBeUndefined();
    expect(report.facts.map((f) => f.source)).not.toContain('lambda.GetAlias');
    expect(report.root_cause?.type).toBe('configuration_error');
  });

  it('GetAlias throttled to the end: not concluded, the missing read named', async () => {
    const report = await investigateWithFailures('lambda-alias-version-missing-env-var', {
      'lambda GetAlias': { name: 'TooManyRequestsException', message: 'Rate exceeded' },
    });
    expect(report.status).toBe('completed');
    expect(report.root_cause).toMatchObject({ type: 'unknown', confidence: 0 });
    expect(report.missing_facts).toEqual([expect.stringContaining('lambda GetAlias failed: TooManyRequestsException')]);
  });

  it('GetFunctionConcurrency failing is a named gap: "unknown" in the facts, never "none"', async () => {
    const denial = await investigateWithFailures('lambda-timeout', {
      'lambda GetFunctionConcurrency': { name: 'AccessDeniedException', message: 'not authorized' },
    });
    expect(denial.root_cause?.type).toBe('timeout');
    expect(denial.warnings).toContainEqual(expect.stringContaining('lambda GetFunctionConcurrency failed: AccessDeniedException'));
    const configFact = denial.facts.find((f) => f.source === 'lambda.GetFunctionConfiguration');
    expect(configFact?.content).toContain('reserved concurrency unknown (GetFunctionConcurrency failed)');

    const throttled = await investigateWithFailures('lambda-timeout', {
      'lambda GetFunctionConcurrency': { name: 'TooManyRequestsException', message: 'Rate exceeded' },
    });
    expect(throttled.missing_facts).toEqual([expect.stringContaining('lambda GetFunctionConcurrency failed: TooManyRequestsException')]);
  });

  it('a deploy 13 minutes before the alarm: a fact with the version and CodeSha256, a surer code error, and a rollback of the alias', async () => {
    const report = await investigateWithFailures('node-deploy-code-error');
    const change = report.facts.find((f) => f.source === 'lambda.GetFunctionConfiguration.LastModified');
    expect(change?.content).toBe(
      'checkout-pricing version 12 (alias prod) changed 13 min before the alarm (LastModified 2024-10-08T09:47:31.412+0000), ' +
        'CodeSha256 Hk2s9PqL4mVx7Rb1Tc8Wn3Yd6Fg0Ja5Ue2Zo4Ki9Ls=',
    );
    expect(change?.metadata).toMatchObject({ minutesBeforeAlarm: 13, version: '12' });
    expect(report.root_cause).toMatchObject({ type: 'code_error', confidence: 0.9 });
    expect(report.root_cause?.description).toContain("TypeError: Cannot read properties of undefined (reading 'amount')");
    expect(report.advice[0]).toContain('aws lambda update-alias --function-name checkout-pricing --name prod --function-version 11');
  });
});
