import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRecordedCall, loadRecording, parseRecording, type Recording } from '../src/orchestrators/aws/recording.js';
import { RecordingError } from '../src/orchestrators/errors.js';
import { InputError } from '../src/platform/errors.js';

const config = (name: string) => ({ FunctionName: name, Timeout: 3 });

function problemOf(json: unknown): string {
  try {
    parseRecording(json, 'scenario.json');
  } catch (error) {
    expect(error).toBeInstanceOf(RecordingError);
    return (error as Error).message;
  }
  throw new Error('expected parseRecording to throw');
}

describe('parseRecording', () => {
  it('accepts a recording and fills in what a call may leave out', () => {
    const recording = parseRecording(
      {
        calls: [
          { service: 'lambda', command: 'GetFunctionConfiguration', input: { FunctionName: 'a' }, output: config('a') },
          { service: 'lambda', command: 'GetFunctionConcurrency', error: { name: 'TooManyRequestsException' } },
        ],
      },
      'r.json',
    );
    expect(recording.calls[1]).toEqual({
      service: 'lambda',
      command: 'GetFunctionConcurrency',
      input: {},
      output: null,
      error: { name: 'TooManyRequestsException', message: '' },
    });
  });

  it('accepts a scenario file: an alarm beside the calls', () => {
    const recording = parseRecording(
      { alarm: { AlarmName: 'x' }, calls: [{ service: 'cloudwatch', command: 'GetMetricData', output: {} }] },
      'scenario.json',
    );
    expect(recording.calls).toHaveLength(1);
  });

  it('is an InputError (exit code 2) naming the file and the field', () => {
    const error = (() => {
      try {
        parseRecording({ calls: [{ service: 'lambda', command: 7, output: {} }] }, 'bad.json');
      } catch (caught) {
        return caught as RecordingError;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error?.exitCode).toBe(2);
    expect(error?.origin).toBe('bad.json');
    expect(error?.message).toBe(
      'recording bad.json: calls[0].command: expected a command name such as "GetFunctionConfiguration", got a number',
    );
  });

  it.each([
    [{}, 'calls: missing: expected an array of recorded calls'],
    [[], 'expected an object with "calls", got an array'],
    [{ calls: {} }, 'calls: expected an array of recorded calls, got an object'],
    [{ calls: [{ command: 'X', output: {} }] }, 'calls[0].service: missing: expected a service name'],
    [{ calls: [{ service: '', command: 'X', output: {} }] }, 'calls[0].service: must not be empty'],
    [
      { calls: [{ service: 'lambda', command: 'X', input: 'FunctionName=a', output: {} }] },
      'calls[0].input: expected an object, got a string',
    ],
    [{ calls: [{ service: 'lambda', command: 'X', output: [] }] }, 'calls[0].output: expected an object, got an array'],
    [{ calls: [{ service: 'lambda', command: 'X', error: { message: 'm' } }] }, 'calls[0].error.name: missing'],
    [{ calls: [{ service: 'lambda', command: 'X' }] }, 'calls[0]: needs exactly one of output (an object) and error'],
    [
      { calls: [{ service: 'lambda', command: 'X', output: {}, error: { name: 'E', message: '' } }] },
      'calls[0]: needs exactly one of output (an object) and error',
    ],
  ])('rejects %j', (json, problem) => {
    expect(problemOf(json)).toContain(problem);
  });

  it('names every problem, not only the first', () => {
    const message = problemOf({
      calls: [
        { service: 1, command: 'X', output: {} },
        { service: 'lambda', command: null, output: {} },
      ],
    });
    expect(message).toContain('calls[0].service');
    expect(message).toContain('calls[1].command');
  });
});

describe('loadRecording', () => {
  async function fileWith(text: string): Promise<string> {
    const path = join(await mkdtemp(join(tmpdir(), 'recording-')), 'recording.json');
    await writeFile(path, text);
    return path;
  }

  it('reads and parses a file', async () => {
    const path = await fileWith(JSON.stringify({ calls: [{ service: 'lambda', command: 'GetFunction', output: {} }] }));
    expect((await loadRecording(path)).calls[0]?.command).toBe('GetFunction');
  });

  it('names the file when it is not JSON', async () => {
    const path = await fileWith('{ "calls": [ ');
    await expect(loadRecording(path)).rejects.toThrow(RecordingError);
    await expect(loadRecording(path)).rejects.toThrow(`recording ${path}: is not JSON`);
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadRecording('/nonexistent/recording.json')).rejects.toThrow(
      'recording /nonexistent/recording.json: cannot be read: ENOENT',
    );
  });

  it('names the file when its content is wrong', async () => {
    const path = await fileWith('{"calls":[{"service":"lambda"}]}');
    await expect(loadRecording(path)).rejects.toThrow(`recording ${path}: calls[0].command: missing`);
  });
});

describe('findRecordedCall', () => {
  const recording: Recording = parseRecording(
    {
      calls: [
        { service: 'lambda', command: 'GetFunctionConfiguration', input: { FunctionName: 'orders' }, output: config('orders') },
        { service: 'lambda', command: 'GetFunctionConfiguration', input: { FunctionName: 'payments' }, output: config('payments') },
        { service: 'lambda', command: 'GetFunctionConfiguration', input: {}, output: config('fallback') },
        { service: 'lambda', command: 'GetFunctionConfiguration', input: { FunctionName: 'payments' }, output: config('shadowed') },
        {
          service: 'cloudwatch-logs',
          command: 'FilterLogEvents',
          input: { logGroupName: '/aws/lambda/orders', filterPattern: { not: 'a string' } },
          output: { events: [] },
        },
        {
          service: 'cloudwatch',
          command: 'GetMetricData',
          input: { StartTime: '2024-05-01T10:00:00.000Z' },
          output: { MetricDataResults: [] },
        },
      ],
    },
    'r.json',
  );

  it('matches on the recorded keys and ignores the keys the recording leaves out', () => {
    const found = findRecordedCall(recording, 'lambda', 'GetFunctionConfiguration', { FunctionName: 'payments', Qualifier: '$LATEST' });
    expect(found?.output).toEqual(config('payments'));
  });

  it('takes the first match', () => {
    expect(findRecordedCall(recording, 'lambda', 'GetFunctionConfiguration', { FunctionName: 'payments' })?.output).toEqual(
      config('payments'),
    );
    expect(findRecordedCall(recording, 'lambda', 'GetFunctionConfiguration', { FunctionName: 'billing' })?.output).toEqual(
      config('fallback'),
    );
  });

  it('needs the same command and the same service', () => {
    expect(findRecordedCall(recording, 'lambda', 'GetFunction', { FunctionName: 'orders' })).toBeUndefined();
    expect(findRecordedCall(recording, 'sqs', 'GetFunctionConfiguration', { FunctionName: 'orders' })).toBeUndefined();
  });

  it('compares recorded values deeply and whole', () => {
    const input = { logGroupName: '/aws/lambda/orders', filterPattern: { not: 'a string' }, nextToken: 't' };
    expect(findRecordedCall(recording, 'cloudwatch-logs', 'FilterLogEvents', input)).toBeDefined();
    expect(
      findRecordedCall(recording, 'cloudwatch-logs', 'FilterLogEvents', { ...input, filterPattern: { not: 'a string', extra: 1 } }),
    ).toBeUndefined();
    expect(findRecordedCall(recording, 'cloudwatch-logs', 'FilterLogEvents', { logGroupName: '/aws/lambda/orders' })).toBeUndefined();
  });

  it('compares a call against the JSON form a recording holds (a Date equals its ISO string)', () => {
    expect(findRecordedCall(recording, 'cloudwatch', 'GetMetricData', { StartTime: new Date('2024-05-01T10:00:00Z') })).toBeDefined();
    expect(findRecordedCall(recording, 'cloudwatch', 'GetMetricData', { StartTime: new Date('2024-05-01T11:00:00Z') })).toBeUndefined();
  });
});
