import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT_CAUSE_TYPES } from '../src/report/report.js';

const EXAMPLES = new URL('../examples/', import.meta.url);
/** The metrics the Lambda specialist reads, each with its statistic. */
const LAMBDA_METRICS = [
  ['Errors', 'Sum'],
  ['Throttles', 'Sum'],
  ['Invocations', 'Sum'],
  ['Duration', 'Maximum'],
] as const;
const TIME_WINDOW_KEYS = ['startTime', 'endTime', 'StartTime', 'EndTime'];

interface RecordedCall {
  service: string;
  command: string;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
}

interface Scenario {
  file: string;
  alarm: Record<string, unknown>;
  calls: RecordedCall[];
  expected_root_cause: string;
  description: string;
}

const scenarios: Scenario[] = readdirSync(EXAMPLES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8')) }));

function call(scenario: Scenario, command: string): RecordedCall {
  const found = scenario.calls.find((c) => c.command === command);
  expect(found, `${scenario.file} records ${command}`).toBeDefined();
  return found!;
}

function metricEntries(scenario: Scenario): { input: Record<string, unknown>; output: { Timestamps: string[]; Values: number[] } }[] {
  return scenario.calls
    .filter((c) => c.service === 'cloudwatch' && c.command === 'GetMetricData')
    .map((c) => ({ input: c.input, output: c.output as { Timestamps: string[]; Values: number[] } }));
}

function alarmFormat(alarm: Record<string, unknown>): string {
  if (alarm['detail-type'] === 'CloudWatch Alarm State Change') return 'eventbridge';
  if (alarm.Type === 'Notification' && typeof alarm.Message === 'string') return 'sns-envelope';
  if (typeof alarm.AlarmName === 'string' && typeof alarm.NewStateValue === 'string') return 'sns';
  return 'unrecognised';
}

describe('example scenarios', () => {
  it('are at least twelve, including the README demo', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    expect(scenarios.map((s) => s.file)).toContain('lambda-timeout.json');
  });

  it('together cover every root-cause type', () => {
    expect(new Set(scenarios.map((s) => s.expected_root_cause))).toEqual(new Set(ROOT_CAUSE_TYPES));
  });

  it('mix EventBridge events, SNS envelopes and raw SNS messages', () => {
    expect(new Set(scenarios.map((s) => alarmFormat(s.alarm)))).toEqual(new Set(['eventbridge', 'sns-envelope', 'sns']));
  });

  it('include runtimes of Node.js, Python, Java, Go and .NET', () => {
    const runtimes = scenarios.map((s) => String(call(s, 'GetFunctionConfiguration').output?.Runtime));
    for (const family of ['nodejs', 'python', 'java', 'provided', 'dotnet']) {
      expect(
        runtimes.some((runtime) => runtime.startsWith(family)),
        family,
      ).toBe(true);
    }
  });

  it('include one environment value that looks like a secret', () => {
    const values = scenarios.flatMap((s) => {
      const environment = call(s, 'GetFunctionConfiguration').output?.Environment as { Variables?: Record<string, string> } | undefined;
      return Object.values(environment?.Variables ?? {});
    });
    expect(values.some((value) => /^sk_live_/.test(value))).toBe(true);
  });

  describe.each(scenarios.map((s) => [s.file, s] as const))('%s', (_file, scenario) => {
    it('names a known root-cause type and says what it shows', () => {
      expect(ROOT_CAUSE_TYPES).toContain(scenario.expected_root_cause);
      expect(scenario.description.length).toBeGreaterThan(20);
    });

    it('carries an alarm in a recognised wire shape whose SNS Message is itself JSON', () => {
      const format = alarmFormat(scenario.alarm);
      expect(format).not.toBe('unrecognised');
      if (format === 'sns-envelope') expect(JSON.parse(String(scenario.alarm.Message))).toHaveProperty('AlarmName');
    });

    it('records every call in the recording format', () => {
      for (const recorded of scenario.calls) {
        expect(typeof recorded.service).toBe('string');
        expect(typeof recorded.command).toBe('string');
        expect(recorded.input).toBeTypeOf('object');
        expect(recorded.output).toBeTypeOf('object');
        for (const key of TIME_WINDOW_KEYS) expect(recorded.input, `${recorded.command} input`).not.toHaveProperty(key);
      }
    });

    it('records the function configuration, its log group and its metrics in SDK v3 shapes', () => {
      const configuration = call(scenario, 'GetFunctionConfiguration');
      const name = configuration.input.FunctionName;
      expect(configuration.output?.FunctionName).toBe(name);
      expect(call(scenario, 'GetFunctionConcurrency').input).toEqual({ FunctionName: name });

      const logs = call(scenario, 'FilterLogEvents');
      expect(logs.input).toEqual({ logGroupName: `/aws/lambda/${name}` });
      for (const event of (logs.output?.events ?? []) as Record<string, unknown>[]) {
        expect(Object.keys(event).sort()).toEqual(['eventId', 'ingestionTime', 'logStreamName', 'message', 'timestamp']);
      }

      // Per-metric entries naming the function, so that a folder of scenarios merges without one
      // scenario's metrics answering another's.
      const metrics = metricEntries(scenario);
      expect(metrics.map((entry) => entry.input)).toEqual(
        LAMBDA_METRICS.map(([MetricName, Stat]) => ({
          Namespace: 'AWS/Lambda',
          MetricName,
          Dimensions: [{ Name: 'FunctionName', Value: name }],
          Stat,
        })),
      );
      for (const { output } of metrics) expect(output.Values).toHaveLength(output.Timestamps.length);
    });
  });

  it('the unknown scenario has neither log events nor metric data', () => {
    const unknown = scenarios.filter((s) => s.expected_root_cause === 'unknown');
    expect(unknown.length).toBeGreaterThan(0);
    for (const scenario of unknown) {
      expect(call(scenario, 'FilterLogEvents').output?.events).toEqual([]);
      const metrics = metricEntries(scenario);
      expect(metrics).toHaveLength(LAMBDA_METRICS.length);
      expect(metrics.every(({ output }) => output.Values.length === 0)).toBe(true);
    }
  });
});
