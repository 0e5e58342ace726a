import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { CallRecorder } from '../src/orchestrators/aws/recorder.js';
import { loadRecording, parseRecording } from '../src/orchestrators/aws/recording.js';
import { RecordingError } from '../src/orchestrators/errors.js';
import { fetchLambdaMetrics } from '../src/orchestrators/specialists/lambda/facts/lambda-metrics.js';

const metric = (functionName: string, MetricName: string, Values: number[], Stat?: string) => ({
  service: 'cloudwatch',
  command: 'GetMetricData',
  input: { Namespace: 'AWS/Lambda', MetricName, Dimensions: [{ Name: 'FunctionName', Value: functionName }], ...(Stat ? { Stat } : {}) },
  output: { Timestamps: Values.map((_, index) => `2024-05-01T10:0${index}:00Z`), Values },
});

const query = (Id: string, functionName: string, MetricName: string, Stat: string) => ({
  Id,
  MetricStat: {
    Metric: { Namespace: 'AWS/Lambda', MetricName, Dimensions: [{ Name: 'FunctionName', Value: functionName }] },
    Period: 60,
    Stat,
  },
});

async function ask(recording: ReturnType<typeof parseRecording>, queries: object[]) {
  const { cloudwatch } = createAwsClients({ region: 'us-east-1', replay: recording });
  const answer = await cloudwatch.send(
    new GetMetricDataCommand({ StartTime: new Date(0), EndTime: new Date(), MetricDataQueries: queries as never }),
  );
  return answer.MetricDataResults?.map(({ Id, Values }) => ({ Id, Values }));
}

describe('per-metric GetMetricData entries', () => {
  const recording = parseRecording(
    {
      calls: [
        metric('orders', 'Errors', [3, 1], 'Sum'),
        metric('billing', 'Errors', [9]),
        metric('orders', 'Duration', [2900], 'Maximum'),
        { service: 'cloudwatch', command: 'GetMetricData', input: {}, output: { MetricDataResults: [{ Id: 'whole', Values: [42] }] } },
      ],
    },
    'metrics.json',
  );

  it('answer each query of a call by its metric and function, whatever the Ids; a query with no entry gets no values', async () => {
    expect(
      await ask(recording, [
        query('a', 'orders', 'Errors', 'Sum'),
        query('b', 'billing', 'Errors', 'Sum'),
        query('c', 'orders', 'Duration', 'Maximum'),
        query('d', 'orders', 'Throttles', 'Sum'),
      ]),
    ).toEqual([
      { Id: 'a', Values: [3, 1] },
      { Id: 'b', Values: [9] },
      { Id: 'c', Values: [2900] },
      { Id: 'd', Values: [] },
    ]);
  });

  it('need a recorded Stat to equal the query’s, and leave a call none of them answers to the whole-call entry', async () => {
    expect(await ask(recording, [query('a', 'orders', 'Errors', 'Average')])).toEqual([{ Id: 'whole', Values: [42] }]);
    expect(await ask(recording, [query('a', 'payments', 'Errors', 'Sum')])).toEqual([{ Id: 'whole', Values: [42] }]);
  });
});

describe('per-metric entries with several dimensions', () => {
  const aliasErrors = {
    service: 'cloudwatch',
    command: 'GetMetricData',
    input: {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [
        { Name: 'FunctionName', Value: 'orders' },
        { Name: 'Resource', Value: 'orders:live' },
      ],
      Stat: 'Sum',
    },
    output: { Timestamps: ['2024-05-01T10:01:00Z'], Values: [7] },
  };
  const recording = parseRecording({ calls: [aliasErrors, metric('orders', 'Errors', [1], 'Sum')] }, 'dimensions.json');
  const withDimensions = (Id: string, Dimensions: Array<{ Name: string; Value: string }>, Stat = 'Sum') => ({
    Id,
    MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions }, Period: 60, Stat },
  });

  it('compare dimensions as a set: their order does not matter, a missing or extra one does', async () => {
    expect(
      await ask(recording, [
        withDimensions('reordered', [
          { Name: 'Resource', Value: 'orders:live' },
          { Name: 'FunctionName', Value: 'orders' },
        ]),
        withDimensions('fewer', [{ Name: 'FunctionName', Value: 'orders' }]),
        withDimensions('other_alias', [
          { Name: 'FunctionName', Value: 'orders' },
          { Name: 'Resource', Value: 'orders:canary' },
        ]),
        withDimensions('more', [
          { Name: 'FunctionName', Value: 'orders' },
          { Name: 'Resource', Value: 'orders:live' },
          { Name: 'ExecutedVersion', Value: '7' },
        ]),
      ]),
    ).toEqual([
      { Id: 'reordered', Values: [7] },
      { Id: 'fewer', Values: [1] },
      { Id: 'other_alias', Values: [] },
      { Id: 'more', Values: [] },
    ]);
  });

  it('answer a query only with a recorded Stat equal to its own', async () => {
    const both = [
      { Name: 'FunctionName', Value: 'orders' },
      { Name: 'Resource', Value: 'orders:live' },
    ];
    expect(await ask(recording, [withDimensions('sum', both), withDimensions('max', both, 'Maximum')])).toEqual([
      { Id: 'sum', Values: [7] },
      { Id: 'max', Values: [] },
    ]);
  });
});

describe('a folder of recordings', () => {
  const folder = mkdtempSync(join(tmpdir(), 'promptrca-recordings-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('merges every .json file in it, in name order, and names the folder when it holds none', async () => {
    writeFileSync(join(folder, 'b.json'), JSON.stringify({ alarm: {}, calls: [metric('billing', 'Errors', [9])] }));
    writeFileSync(join(folder, 'a.json'), JSON.stringify({ calls: [metric('orders', 'Errors', [1])] }));
    writeFileSync(join(folder, 'notes.txt'), 'not a recording');
    const merged = await loadRecording(folder);
    expect(merged.calls.map((call) => (call.input.Dimensions as { Value: string }[])[0]?.Value)).toEqual(['orders', 'billing']);

    const empty = mkdtempSync(join(folder, 'empty-'));
    await expect(loadRecording(empty)).rejects.toThrow(RecordingError);
    await expect(loadRecording(empty)).rejects.toThrow('is a folder with no .json recordings or scenarios in it');
  });

  it('names the file that is not a recording', async () => {
    writeFileSync(join(folder, 'c.json'), '{"calls": 7}');
    await expect(loadRecording(folder)).rejects.toThrow(`recording ${join(folder, 'c.json')}: calls: expected an array of recorded calls`);
  });
});

describe('--record', () => {
  it('writes GetMetricData as per-metric entries that answer a replay of the same metrics', async () => {
    const cloudwatch = mockClient(CloudWatchClient);
    try {
      cloudwatch.on(GetMetricDataCommand).resolves({
        MetricDataResults: [
          { Id: 'errors', Timestamps: [new Date('2024-05-01T10:01:00Z'), new Date('2024-05-01T10:02:00Z')], Values: [4, 1] },
          { Id: 'throttles', Timestamps: [], Values: [] },
          { Id: 'duration_max', Timestamps: [new Date('2024-05-01T10:01:00Z')], Values: [2999] },
        ],
        $metadata: {},
      });
      const recorder = new CallRecorder();
      const query = { functionName: 'orders', startTime: Date.parse('2024-05-01T10:00:00Z'), endTime: Date.parse('2024-05-01T10:30:00Z') };
      const live = await fetchLambdaMetrics(createAwsClients({ region: 'us-east-1', recorder }), query);
      cloudwatch.restore();

      expect(recorder.calls.map((call) => [call.input.MetricName, call.input.Stat, (call.output as { Values: number[] }).Values])).toEqual([
        ['Errors', 'Sum', [4, 1]],
        ['Throttles', 'Sum', []],
        ['Invocations', 'Sum', []],
        ['Duration', 'Maximum', [2999]],
      ]);
      expect(recorder.calls[0]?.input.Dimensions).toEqual([{ Name: 'FunctionName', Value: 'orders' }]);
      const replayed = await fetchLambdaMetrics(
        createAwsClients({ region: 'us-east-1', replay: parseRecording({ calls: recorder.calls }, 'r') }),
        query,
      );
      expect(replayed).toEqual(live);
      expect(live).toEqual({ errors: 5, throttles: null, invocations: null, maxDurationMs: 2999 });
    } finally {
      cloudwatch.restore();
    }
  });
});
