import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, openQueues, runCli, startWorker, stopAll, uniquePrefix, waitForReports } from './support/pipeline.js';

interface Example {
  file: string;
  expected_root_cause: string;
  calls: { command: string; input: { MetricName?: string }; output: { Values?: number[] } }[];
}

const EXAMPLES: Example[] = readdirSync('examples')
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ file: `examples/${file}`, ...(JSON.parse(readFileSync(`examples/${file}`, 'utf8')) as Omit<Example, 'file'>) }));

/** The metric figures the example's own recording gives, as the Lambda metrics fact reports them; null when it gives none. */
function ownMetrics(example: Example): Record<string, number | null> | null {
  const values = (name: string) => example.calls.find((call) => call.input.MetricName === name)?.output.Values ?? [];
  const sum = (name: string) => (values(name).length ? values(name).reduce((total, value) => total + value, 0) : null);
  const figures = {
    errors: sum('Errors'),
    throttles: sum('Throttles'),
    invocations: sum('Invocations'),
    maxDurationMs: values('Duration').length ? Math.max(...values('Duration')) : null,
  };
  return Object.values(figures).some((value) => value !== null) ? figures : null;
}

const prefix = uniquePrefix('replay-examples');

afterAll(() => deleteKeys(prefix));

describe('the README pipeline demo: one worker replaying the examples folder', () => {
  it('gives every enqueued example its own expected root cause and its own metrics', async () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(14);
    const env = { PROMPTRCA_QUEUE_PREFIX: prefix };
    const worker = await startWorker({ ...env, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct', PROMPTRCA_AWS_REPLAY: 'examples/' }, [
      '--llm',
      'none',
    ]);
    const queues = await openQueues(prefix);
    try {
      const ids = new Map<string, string>();
      const metricsById = new Map<string, Record<string, number | null> | null>();
      for (const example of EXAMPLES) {
        const enqueued = await runCli(['enqueue', '--alarm', example.file, '--json'], env);
        expect(enqueued.code, enqueued.stderr).toBe(0);
        const [result] = (JSON.parse(enqueued.stdout) as { results: { outcome: string; investigation_id: string }[] }).results;
        expect(result?.outcome).toBe('new');
        ids.set(result?.investigation_id ?? '', example.expected_root_cause);
        metricsById.set(result?.investigation_id ?? '', ownMetrics(example));
      }
      const reports = await waitForReports(queues, EXAMPLES.length, 60_000);
      const found = new Map(reports.map((report) => [report.investigation_id, report.root_cause?.type ?? null]));
      expect(Object.fromEntries([...ids.keys()].map((id) => [id, found.get(id)]))).toEqual(Object.fromEntries(ids));
      // Merged, the recordings still answer each function's metrics with its own figures.
      const metricFacts = new Map(
        reports.map((report) => [
          report.investigation_id,
          report.facts.find((fact) => fact.source === 'cloudwatch.GetMetricData')?.metadata ?? null,
        ]),
      );
      expect(Object.fromEntries([...ids.keys()].map((id) => [id, metricFacts.get(id)]))).toEqual(Object.fromEntries(metricsById));
    } finally {
      await stopAll([worker]);
      await queues.close();
    }
  }, 120_000);
});
