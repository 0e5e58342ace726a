import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../src/report/report.js';
import { writeMillionLineRecording } from './support/million-line-recording.js';
import { distinctAlarms, enqueueAll, startWorker, stopAll, uniquePrefix, useSimAndQueues, waitForReports } from './support/pipeline.js';
import { runCli } from './support/run-cli.js';

const MAX_RSS_AT_EXIT = fileURLToPath(new URL('./support/max-rss-at-exit.mjs', import.meta.url));
const BOUND_MIB = 300;
const dir = mkdtempSync(join(tmpdir(), 'promptrca-million-'));
let files: { recording: string; alarm: string };

beforeAll(() => {
  files = writeMillionLineRecording(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment that makes a `promptrca` process write its peak RSS to `file` at exit. */
function measuredEnv(file: string): NodeJS.ProcessEnv {
  return { NODE_OPTIONS: `--import=${MAX_RSS_AT_EXIT}`, MAX_RSS_FILE: join(dir, file) };
}

function peakMiB(file: string): number {
  return Number(readFileSync(join(dir, file), 'utf8')) / 1024;
}

describe('a recording of a million log lines', () => {
  it.each([
    ['--replay', () => ['--alarm', files.alarm, '--replay', files.recording]],
    ['a scenario given as --alarm', () => ['--alarm', files.recording]],
  ])(
    `investigated from the CLI (%s) stays under ${BOUND_MIB} MiB and still finds the planted timeout, saying the log read was capped`,
    async (how, input) => {
      const result = await runCli(
        ['investigate', ...input(), '--orchestrator', 'direct', '--llm', 'none', '--json'],
        measuredEnv('cli.rss'),
        60_000,
      );
      expect(result.stderr).not.toContain('Error');
      expect(result.code).toBe(0);
      const peak = peakMiB('cli.rss');
      console.log(`investigate (${how}) of a million-line recording: peak RSS ${peak.toFixed(0)} MiB`);
      expect(peak).toBeLessThan(BOUND_MIB);
      const report = ReportSchema.parse(JSON.parse(result.stdout));
      expect(report.root_cause?.type).toBe('timeout');
      expect(report.facts.map((fact) => fact.content)).toContainEqual(
        expect.stringContaining('the log read stopped at its cap (5000 lines'),
      );
    },
    60_000,
  );

  describe('replayed by a worker with 10 investigations in flight', () => {
    const prefix = uniquePrefix('million-lines');
    const pipeline = useSimAndQueues(prefix, 1_500);

    it(`stays under ${BOUND_MIB} MiB in all: the recording is shared and each investigation holds a capped slice`, async () => {
      const worker = await startWorker(
        {
          PROMPTRCA_QUEUE_PREFIX: prefix,
          PROMPTRCA_AWS_REPLAY: files.recording,
          PROMPTRCA_FORCE_ORCHESTRATOR: 'direct',
          OPENAI_BASE_URL: pipeline.sim.url,
          PROMPTRCA_MODEL: 'llm-sim',
          ...measuredEnv('worker.rss'),
        },
        ['--concurrency', '10'],
      );
      const ids = await enqueueAll(pipeline.queues, distinctAlarms(10), { dedupeTtlSeconds: 3600, attempts: 1, backoffSeconds: 0 });
      const reports = await waitForReports(pipeline.queues, ids.length, 40_000);
      await stopAll([worker]);
      const peak = peakMiB('worker.rss');
      console.log(`worker, concurrency 10, replaying a million-line recording: peak RSS ${peak.toFixed(0)} MiB`);
      expect(reports.map((report) => report.root_cause?.type)).toEqual(ids.map(() => 'timeout'));
      // All ten were in flight at once: each started before any had finished.
      const starts = reports.map((report) => Date.parse(report.started_at));
      const ends = reports.map((report) => Date.parse(report.started_at) + report.duration_seconds * 1000);
      expect(Math.max(...starts)).toBeLessThan(Math.min(...ends));
      expect(peak).toBeLessThan(BOUND_MIB);
    }, 60_000);
  });
});
