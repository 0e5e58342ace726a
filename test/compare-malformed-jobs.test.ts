import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseInvestigationJob } from '../src/producer/investigation-job.js';
import { manualAlarm } from '../src/producer/manual-alarm.js';
import type { CompareResult } from '../src/report/compare-result.js';
import { compareResult } from '../src/report/compare-result.js';
import { failedReport } from '../src/report/failed-report.js';
import type { OrchestratorType, Report } from '../src/report/report.js';
import { ReportCollection } from '../src/report/report-collection.js';
import { healthyRollout } from './support/crafted-reports.js';
import { runCli } from './support/pipeline.js';

/** The report the worker publishes for junk on the investigations queue (as publishJobFailure builds it). */
function malformedJobReport(jobId: string, data: unknown, orchestratorType: OrchestratorType, alarmReadable: boolean): Report {
  let error: Error | null = null;
  try {
    parseInvestigationJob(jobId, data);
  } catch (thrown) {
    error = thrown as Error;
  }
  if (error === null) throw new Error(`job ${jobId} was expected to be malformed`);
  return failedReport({
    investigationId: jobId,
    orchestratorType,
    alarm: alarmReadable ? manualAlarm('checkout-api', 'eu-west-1', new Date('2024-03-12T10:20:00Z')) : null,
    failure: { message: `${error.name}: ${error.message}`, kind: 'malformed_job' },
  });
}

const junk = [
  malformedJobReport('junk-1', { hello: 'world' }, 'direct_invocation', false),
  malformedJobReport('junk-2', 'not even an object', 'direct_invocation', false),
  malformedJobReport('junk-3', { investigation_id: 'junk-3', alarm: 'no alarm' }, 'agent_tools', false),
  // The alarm parses but the job id does not match: still another program's data, never investigated.
  malformedJobReport(
    'junk-4',
    { investigation_id: 'other', alarm: manualAlarm('checkout-api', 'eu-west-1'), received_at: 'now', source: 'x' },
    'direct_invocation',
    true,
  ),
];

function compared(reports: Report[]): CompareResult {
  const collection = new ReportCollection({ since: null });
  for (const [index, report] of reports.entries()) collection.add(report, `element ${index}`);
  return compareResult(collection.result(), { source: 'test', since: null, currentPercentage: 25, now: new Date() });
}

describe("reports of malformed jobs (another program's bad data)", () => {
  it('count for neither orchestrator: no critical error, no roll back, the same statistics as without them', () => {
    const healthy = healthyRollout(40, 40);
    const withJunk = compared([...healthy, ...junk]);
    const without = compared(healthy);
    expect(withJunk.comparison.critical_errors).toEqual([]);
    expect(withJunk.verdict.decision).toBe('promote');
    expect(withJunk.comparison).toEqual(without.comparison);
    expect(withJunk.reports).toBe(80);
    expect(withJunk.left_out.reports).toBe(4);
    expect(withJunk.left_out.reason).toMatch(/never ran an orchestrator: malformed job data/);
    expect(without.left_out.reports).toBe(0);
  });

  it('leave a real direct_invocation failure with an alarm counted as a critical error', () => {
    const real = failedReport({
      investigationId: 'real-1',
      orchestratorType: 'direct_invocation',
      alarm: manualAlarm('checkout-api', 'eu-west-1'),
      failure: { message: "Cannot find module 'aws-sdk'", kind: 'permanent' },
    });
    const result = compared([...healthyRollout(40, 40), ...junk, real]);
    expect(result.comparison.critical_errors.map((error) => error.investigation_id)).toEqual(['real-1']);
    expect(result.verdict.decision).toBe('roll_back');
    expect(result.left_out.reports).toBe(4);
  });
});

describe('compare FILES with reports of malformed jobs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promptrca-compare-junk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says how many it left out and why, in the text and in --json, and judges without them', async () => {
    const input = join(dir, 'with-junk.jsonl');
    writeFileSync(input, [...healthyRollout(40, 40), ...junk].map((report) => JSON.stringify(report)).join('\n'));
    const [text, json] = await Promise.all([
      runCli(['compare', '--current-percentage', '25', input], {}),
      runCli(['compare', '--json', '--current-percentage', '25', input], {}),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `Read 84 entries from ${input}: 80 reports compared, 0 skipped, 0 outside the window, 4 left out ` +
        "(reports of jobs that never ran an orchestrator: malformed job data on the investigations queue (another program's), " +
        'counted for neither orchestrator).',
    );
    expect(text.stdout).toContain('Verdict at 25%: promote to 50%');
    expect(text.stdout).not.toContain('MalformedJobError');
    const result = JSON.parse(json.stdout) as CompareResult;
    expect(result.left_out).toEqual({ reports: 4, reason: expect.stringContaining('never ran an orchestrator') });
    expect(result.comparison.direct_invocation.reports).toBe(40);
    expect(result.verdict.decision).toBe('promote');
  });
});
