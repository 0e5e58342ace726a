import { describe, expect, it } from 'vitest';
import { chooseRootCause } from '../src/orchestrators/rules/choose-root-cause.js';
import type { LambdaConfig, LambdaEvidence, MetricSummary } from '../src/orchestrators/specialists/lambda/evidence.js';
import { adviceFor } from '../src/orchestrators/specialists/lambda/rules/advice.js';
import { lambdaHypotheses } from '../src/orchestrators/specialists/lambda/rules/lambda-rules.js';
import { scanLogs } from '../src/orchestrators/specialists/lambda/signals/scan-logs.js';
import { type Hypothesis, HypothesisSchema, type RootCauseType } from '../src/report/report.js';
import { lambdaConfigOf } from './support/lambda-config.js';

const FN = 'orders-api';
const AT = Date.parse('2024-03-12T10:15:00Z');
const ids = ['11111111', '22222222', '33333333', '44444444'].map((prefix) => `${prefix}-9f2b-4c6e-8a7d-2b1f0c9e8d7a`);

function config(overrides: Partial<LambdaConfig> = {}): LambdaConfig {
  return lambdaConfigOf(FN, { environmentVariableNames: ['LOG_LEVEL'], ...overrides });
}

function metrics(overrides: Partial<MetricSummary> = {}): MetricSummary {
  return { errors: 0, throttles: 0, invocations: 10, maxDurationMs: 800, ...overrides };
}

function evidence(
  messages: string[] | null,
  options: { config?: LambdaConfig | null; metrics?: MetricSummary | null } = {},
): LambdaEvidence {
  return {
    functionName: FN,
    config: options.config === undefined ? config() : options.config,
    logs: messages === null ? null : scanLogs(messages.map((message, index) => ({ timestamp: AT + index, message }))),
    metrics: options.metrics === undefined ? metrics() : options.metrics,
  };
}

function report(id: string, durationMs: number, usedMb: number, memoryMb = 256, extra = ''): string {
  return `REPORT RequestId: ${id}\tDuration: ${durationMs} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: ${usedMb} MB\t${extra}`;
}

function timedOut(id: string): string {
  return `2024-03-12T10:15:03.130Z ${id} Task timed out after 3.00 seconds`;
}

function hypothesis(all: Hypothesis[], type: RootCauseType): Hypothesis {
  const found = all.find((h) => h.type === type);
  expect(found, `a ${type} hypothesis`).toBeDefined();
  return found!;
}

function rootCauseOf(input: LambdaEvidence) {
  return chooseRootCause(lambdaHypotheses(input));
}

const WARNINGS = [
  `2024-03-12T09:58:00.300Z\tundefined\tWARN\tDeprecation: option 'useLegacyRetry' will be removed`,
  `2024-03-12T09:58:00.310Z\tundefined\tWARN\tConfig key CACHE_TTL not set, using default of 60 s`,
  `2024-03-12T09:59:00.310Z\t${ids[0]}\tWARN\tinventory response slower than 1500 ms`,
];

describe('timeout', () => {
  it('is near-certain when "Task timed out" lines agree with REPORT durations at the configured limit', () => {
    const found = lambdaHypotheses(
      evidence([timedOut(ids[0]!), report(ids[0]!, 3000, 90), timedOut(ids[1]!), report(ids[1]!, 3001.2, 91)], {
        metrics: metrics({ errors: 2, maxDurationMs: 3000 }),
      }),
    );
    const timeout = hypothesis(found, 'timeout');
    expect(timeout.confidence).toBeGreaterThanOrEqual(0.85);
    expect(timeout.confidence).toBeLessThanOrEqual(0.95);
    expect(timeout.description).toContain('3 s');
    expect(timeout.evidence.some((line) => line.includes('Task timed out'))).toBe(true);
  });

  it('is less sure from a timeout line alone', () => {
    const timeout = hypothesis(lambdaHypotheses(evidence([timedOut(ids[0]!)], { metrics: null })), 'timeout');
    expect(timeout.confidence).toBeGreaterThanOrEqual(0.75);
    expect(timeout.confidence).toBeLessThan(0.85);
  });

  it('stays weak when only the Duration metric touches the limit', () => {
    const timeout = hypothesis(lambdaHypotheses(evidence([], { metrics: metrics({ maxDurationMs: 2990 }) })), 'timeout');
    expect(timeout.confidence).toBeLessThan(0.5);
  });

  it('reads the limit from the timeout line when the configuration is unknown', () => {
    const timeout = hypothesis(lambdaHypotheses(evidence([timedOut(ids[0]!), report(ids[0]!, 3000, 90)], { config: null })), 'timeout');
    expect(timeout.description).toContain('3 s');
    expect(timeout.confidence).toBeGreaterThanOrEqual(0.85);
  });

  it('is not claimed for durations well below the limit', () => {
    expect(lambdaHypotheses(evidence([report(ids[0]!, 1200, 90)])).map((h) => h.type)).toEqual(['unknown']);
  });

  it('outranks a few older WARN lines (red herring)', () => {
    const root = rootCauseOf(
      evidence([...WARNINGS, timedOut(ids[1]!), report(ids[1]!, 3000, 97, 256, 'Status: timeout')], { metrics: metrics({ errors: 1 }) }),
    );
    expect(root.type).toBe('timeout');
    expect(root.confidence).toBeGreaterThanOrEqual(0.85);
  });
});

describe('warnings alone', () => {
  it('support no cause: the root cause stays unknown with low confidence', () => {
    const found = lambdaHypotheses(evidence(WARNINGS));
    expect(found.map((h) => h.type)).toEqual(['unknown']);
    expect(found[0]!.description).toContain('warnings at most');
    expect(chooseRootCause(found).confidence).toBeLessThan(0.3);
  });
});

describe('out of memory', () => {
  const killed = (id: string) => `RequestId: ${id} Error: Runtime exited with error: signal: killed\nRuntime.ExitError`;

  it('is near-certain when the runtime is killed at the memory limit', () => {
    const oom = hypothesis(
      lambdaHypotheses(evidence([killed(ids[0]!), report(ids[0]!, 2100, 1024, 1024)], { config: config({ memoryMb: 1024 }) })),
      'out_of_memory',
    );
    expect(oom.confidence).toBeGreaterThanOrEqual(0.9);
    expect(oom.description).toContain('1024 of 1024 MB');
  });

  it('is weak from memory figures alone while nothing fails', () => {
    const oom = hypothesis(lambdaHypotheses(evidence([report(ids[0]!, 200, 250)], { metrics: metrics({ errors: 0 }) })), 'out_of_memory');
    expect(oom.confidence).toBeLessThan(0.5);
  });

  it('is middling from memory at the limit while invocations fail', () => {
    const oom = hypothesis(lambdaHypotheses(evidence([report(ids[0]!, 200, 256)], { metrics: metrics({ errors: 3 }) })), 'out_of_memory');
    expect(oom.confidence).toBeGreaterThan(0.5);
    expect(oom.confidence).toBeLessThan(0.8);
  });

  it('outranks a one-off ECONNRESET (red herring)', () => {
    const found = lambdaHypotheses(
      evidence(
        [
          `2024-03-12T10:00:00.040Z\t${ids[0]}\tERROR\tError: read ECONNRESET`,
          'FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory',
          killed(ids[1]!),
          report(ids[1]!, 4179, 1024, 1024),
        ],
        { config: config({ memoryMb: 1024 }), metrics: metrics({ errors: 1 }) },
      ),
    );
    expect(chooseRootCause(found).type).toBe('out_of_memory');
    expect(hypothesis(found, 'downstream_error').confidence).toBeLessThan(0.65);
  });
});

describe('code errors', () => {
  it('reads an unhandled exception, stronger when the Errors metric agrees', () => {
    const line = `2024-03-12T10:15:03.456Z\t${ids[0]}\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')"}`;
    const alone = hypothesis(lambdaHypotheses(evidence([line], { metrics: null })), 'code_error');
    const corroborated = hypothesis(lambdaHypotheses(evidence([line], { metrics: metrics({ errors: 4 }) })), 'code_error');
    expect(alone.confidence).toBeLessThan(corroborated.confidence);
    expect(corroborated.description).toContain("TypeError: Cannot read properties of undefined (reading 'id')");
  });

  it('reads a KeyError on a lower-case key as a code error', () => {
    expect(
      rootCauseOf(
        evidence([
          `[ERROR] KeyError: 'id'\nTraceback (most recent call last):\n  File "/var/task/app.py", line 9, in handler\n    order_id = event['id']`,
        ]),
      ).type,
    ).toBe('code_error');
  });
});

describe('init errors', () => {
  const uncaught = `2024-03-12T10:15:00.120Z\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module 'axios'\\nRequire stack:\\n- /var/task/index.js"}`;

  it('reads a missing module as an init error, not a code error', () => {
    const found = lambdaHypotheses(evidence([uncaught]));
    expect(found.map((h) => h.type)).toEqual(['init_error']);
    expect(found[0]!.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('is surer when INIT_REPORT confirms the runtime line', () => {
    const confirmed = hypothesis(
      lambdaHypotheses(
        evidence([uncaught, 'INIT_REPORT Init Duration: 191.32 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError'], {
          metrics: null,
        }),
      ),
      'init_error',
    );
    const alone = hypothesis(lambdaHypotheses(evidence([uncaught], { metrics: null })), 'init_error');
    expect(confirmed.confidence).toBeGreaterThan(alone.confidence);
    expect(confirmed.description).toContain("Cannot find module 'axios'");
  });

  it('reads a handler that is not exported as an init error', () => {
    const line = `2024-03-12T10:15:00.120Z\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.HandlerNotFound","errorMessage":"index.handler is undefined or not exported"}`;
    expect(rootCauseOf(evidence([line])).type).toBe('init_error');
  });
});

describe('configuration errors', () => {
  const keyError = `[ERROR] KeyError: 'TABLE_NAME'\nTraceback (most recent call last):\n  File "/var/task/app.py", line 6, in lambda_handler\n    table = os.environ['TABLE_NAME']`;

  it('reads a KeyError on an environment variable the configuration lacks as a configuration error', () => {
    const root = rootCauseOf(
      evidence([keyError], { config: config({ environmentVariableNames: ['LOG_LEVEL'] }), metrics: metrics({ errors: 3 }) }),
    );
    expect(root.type).toBe('configuration_error');
    expect(root.confidence).toBeGreaterThanOrEqual(0.9);
    expect(root.description).toContain('TABLE_NAME');
  });

  it('is less sure when the configuration does set the variable', () => {
    const found = hypothesis(
      lambdaHypotheses(evidence([keyError], { config: config({ environmentVariableNames: ['LOG_LEVEL', 'TABLE_NAME'] }) })),
      'configuration_error',
    );
    expect(found.confidence).toBeLessThan(0.7);
    expect(found.description).toContain('value may be wrong');
  });

  it('sits between the two when the configuration is unknown', () => {
    const found = hypothesis(lambdaHypotheses(evidence([keyError], { config: null })), 'configuration_error');
    expect(found.confidence).toBeGreaterThan(0.6);
    expect(found.confidence).toBeLessThan(0.9);
  });

  it('reads a table that does not exist as a configuration error', () => {
    const line =
      '[ERROR] ResourceNotFoundException: An error occurred (ResourceNotFoundException) when calling the GetItem operation: Requested resource not found';
    expect(rootCauseOf(evidence([line, line], { metrics: metrics({ errors: 2 }) })).type).toBe('configuration_error');
  });
});

describe('permission denied', () => {
  it('reads AccessDeniedException as permission_denied with the action', () => {
    const line =
      '[ERROR] ClientError: An error occurred (AccessDeniedException) when calling the PutItem operation: User: arn:aws:sts::123456789012:assumed-role/orders-api-role/orders-api is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders';
    const root = rootCauseOf(evidence([line], { metrics: metrics({ errors: 1 }) }));
    expect(root.type).toBe('permission_denied');
    expect(root.confidence).toBeGreaterThanOrEqual(0.85);
    expect(root.description).toContain('dynamodb:PutItem');
  });
});

describe('throttling', () => {
  it('blames reserved concurrency 0 even without any log line', () => {
    const root = rootCauseOf(
      evidence([], { config: config({ reservedConcurrency: 0 }), metrics: metrics({ throttles: 40, invocations: null }) }),
    );
    expect(root.type).toBe('throttling');
    expect(root.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('reads the Throttles metric as moderate evidence', () => {
    const found = hypothesis(lambdaHypotheses(evidence([], { metrics: metrics({ throttles: 5, invocations: 100 }) })), 'throttling');
    expect(found.confidence).toBeGreaterThanOrEqual(0.6);
    expect(found.confidence).toBeLessThan(0.85);
  });

  it('is stronger when the function has a reserved cap (its own logs never show its throttling: that is a callee)', () => {
    const weak = hypothesis(lambdaHypotheses(evidence([], { metrics: metrics({ throttles: 5, invocations: 100 }) })), 'throttling');
    const strong = hypothesis(
      lambdaHypotheses(evidence([], { config: config({ reservedConcurrency: 2 }), metrics: metrics({ throttles: 5, invocations: 100 }) })),
      'throttling',
    );
    expect(strong.confidence).toBeGreaterThan(weak.confidence);
  });
});

describe('downstream errors', () => {
  const throttled =
    '[ERROR] ProvisionedThroughputExceededException: An error occurred (ProvisionedThroughputExceededException) when calling the PutItem operation (reached max retries: 9): The level of configured provisioned throughput for the table was exceeded.';

  it('grows with the number of failed calls', () => {
    const once = hypothesis(lambdaHypotheses(evidence([throttled], { metrics: null })), 'downstream_error');
    const often = hypothesis(lambdaHypotheses(evidence(Array(5).fill(throttled), { metrics: metrics({ errors: 5 }) })), 'downstream_error');
    expect(once.confidence).toBeLessThanOrEqual(0.5);
    expect(often.confidence).toBeGreaterThanOrEqual(0.75);
    expect(often.description).toContain('5 failed call(s)');
  });

  it('reads HTTP 5xx from a dependency as a downstream error', () => {
    const line = `2024-03-12T10:15:03.456Z\t${ids[0]}\tERROR\tAxiosError: Request failed with status code 503`;
    expect(rootCauseOf(evidence([line, line, line], { metrics: metrics({ errors: 3 }) })).type).toBe('downstream_error');
  });
});

describe('missing evidence', () => {
  it('gives one low-confidence unknown naming what could not be seen, rather than a guess', () => {
    const found = lambdaHypotheses({ functionName: FN, config: null, logs: null, metrics: null });
    expect(found).toHaveLength(1);
    expect(found[0]!.type).toBe('unknown');
    expect(found[0]!.confidence).toBeLessThan(0.3);
    expect(found[0]!.description).toContain('logs of orders-api could not be read');
    expect(found[0]!.description).toContain('configuration of orders-api could not be read');
    expect(found[0]!.description).toContain('no metric data');
  });

  it('says when errors were counted but no log line explains them', () => {
    const root = rootCauseOf(evidence([], { metrics: metrics({ errors: 7 }) }));
    expect(root.type).toBe('unknown');
    expect(root.description).toContain('Errors = 7');
    expect(root.description).toContain('no log events');
  });

  it('keeps every hypothesis within the report schema', () => {
    const inputs = [
      evidence([timedOut(ids[0]!), report(ids[0]!, 3000, 256, 256, 'Status: timeout')], {
        metrics: metrics({ errors: 9, throttles: 3, maxDurationMs: 3000 }),
      }),
      { functionName: FN, config: null, logs: null, metrics: null },
    ];
    for (const input of inputs) {
      for (const found of lambdaHypotheses(input)) expect(HypothesisSchema.parse(found)).toEqual(found);
    }
  });
});

describe('chooseRootCause', () => {
  const h = (type: RootCauseType, confidence: number): Hypothesis => ({ type, description: `${type} happened`, confidence, evidence: [] });

  it('returns unknown with low confidence when no hypothesis was formed', () => {
    const root = chooseRootCause([]);
    expect(root.type).toBe('unknown');
    expect(root.confidence).toBeLessThan(0.3);
    expect(root.description).toContain('no hypothesis');
  });

  it('picks the most confident hypothesis whatever the order', () => {
    expect(chooseRootCause([h('downstream_error', 0.6), h('timeout', 0.9), h('code_error', 0.7)])).toEqual({
      type: 'timeout',
      description: 'timeout happened',
      confidence: 0.9,
    });
  });

  it('prefers the more specific cause on a tie', () => {
    expect(chooseRootCause([h('code_error', 0.8), h('init_error', 0.8)]).type).toBe('init_error');
    expect(chooseRootCause([h('downstream_error', 0.8), h('out_of_memory', 0.8)]).type).toBe('out_of_memory');
  });
});

describe('adviceFor', () => {
  function adviceOf(input: LambdaEvidence): string {
    return adviceFor(rootCauseOf(input), input).join('\n');
  }

  it('names the timeout to raise', () => {
    expect(adviceOf(evidence([timedOut(ids[0]!), report(ids[0]!, 3000, 90)]))).toMatch(/from 3 s .*to 6 s/);
  });

  it('points at a slow dependency when one shows in the logs', () => {
    const advice = adviceOf(evidence([timedOut(ids[0]!), report(ids[0]!, 3000, 90), 'Error: connect ETIMEDOUT 10.0.3.12:5432']));
    expect(advice).toContain('ETIMEDOUT 10.0.3.12:5432');
  });

  it('names the memory to raise', () => {
    const input = evidence(['RequestId: x Error: Runtime exited with error: signal: killed', report(ids[0]!, 900, 1024, 1024)], {
      config: config({ memoryMb: 1024 }),
    });
    expect(adviceOf(input)).toContain('from 1024 MB');
  });

  it('names the missing environment variable', () => {
    const input = evidence([`[ERROR] KeyError: 'TABLE_NAME'\n    table = os.environ['TABLE_NAME']`], {
      config: config({ environmentVariableNames: ['LOG_LEVEL'] }),
    });
    expect(adviceOf(input)).toContain('Add the missing environment variable TABLE_NAME');
  });

  it('names the module to package', () => {
    const input = evidence([`[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'`]);
    expect(adviceOf(input)).toContain('Package requests');
  });

  it('names the permission to grant', () => {
    const input = evidence([
      'User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:1:jobs',
    ]);
    expect(adviceOf(input)).toContain('sqs:SendMessage on arn:aws:sqs:us-east-1:1:jobs');
  });

  it('says how to lift reserved concurrency 0', () => {
    expect(adviceOf(evidence([], { config: config({ reservedConcurrency: 0 }) }))).toContain(
      'delete-function-concurrency --function-name orders-api',
    );
  });

  it('lists what was missing for an unknown cause', () => {
    expect(adviceOf(evidence([], { metrics: null }))).toContain('Missing evidence: no log events');
  });

  it('gives nothing without a root cause', () => {
    expect(adviceFor(null, null)).toEqual([]);
  });
});
