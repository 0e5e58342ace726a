import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareResult } from '../src/report/compare-result.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import type { Report } from '../src/report/report.js';
import { ResultsPublisher } from '../src/report/results-publisher.js';
import { craftReport, craftReports, healthyRollout, spread } from './support/crafted-reports.js';
import { deleteKeys, openQueues, runCli, uniquePrefix } from './support/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'promptrca-compare-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const jsonLines = (reports: Report[]) => reports.map((report) => JSON.stringify(report)).join('\n');
const parsed = (stdout: string) => JSON.parse(stdout) as CompareResult;
const NOW = Date.now();
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compare FILES', () => {
  it('prints the table, the pairs, a hold verdict saying how many more are needed, and what was skipped', async () => {
    const reports = [
      ...craftReports('direct_invocation', 18, (i) => ({
        id: `pair-${i}`,
        shadow: i % 2 === 0,
        duration: spread(2, i),
        tokens: 1_500,
        facts: 5,
      })),
      ...craftReports('agent_tools', 40, (i) => ({ id: `pair-${i}`, duration: spread(10, i), tokens: 6_000 })),
    ];
    const input = file('hold.jsonl', `${jsonLines(reports)}\n{"cut off`);
    const run = await runCli(['compare', '--current-percentage', '25', input], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^duration p50 +1\.92 s +9\.60 s +80\.0% faster \(5\.0×\)$/m);
    expect(run.stdout).toMatch(/^tokens mean +1,500 +6,000 +75\.0% fewer$/m);
    expect(run.stdout).toContain('Pairs (both orchestrators on the same investigation): 18; shadow reports: 9.');
    expect(run.stdout).toContain('Verdict at 25%: hold at 25%\n  - 12 more direct_invocation investigations needed (18 of 30)\n');
    expect(run.stdout).toContain(`Skipped 1 entry:\n  ${input} line 59: not JSON: `);
  });

  it("prints the whole comparison and verdict as JSON, judged at the rollout flags' percentage", async () => {
    const reports = [
      ...healthyRollout(),
      craftReport('direct_invocation', { id: 'bad', status: 'failed', error: "Cannot find module 'aws-sdk'" }),
      craftReport('agent_tools', { id: 'bad', shadow: true }),
    ];
    // A prefix of its own: no live rollout is stored there, so the environment's flags decide.
    const env = {
      PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true',
      PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '50',
      PROMPTRCA_QUEUE_PREFIX: uniquePrefix('compare-env'),
    };
    const run = await runCli(['compare', '--json', file('rollback.json', JSON.stringify(reports))], env);
    expect(run.code).toBe(0);
    const { verdict, comparison, source } = parsed(run.stdout);
    expect(source).toBe(join(dir, 'rollback.json'));
    expect(comparison.pairs).toBe(1);
    expect(verdict).toMatchObject({ decision: 'roll_back', headline: 'roll back', current_percentage: 50 });
    expect(verdict.reasons[0]).toContain("bad: Cannot find module 'aws-sdk'");
  });

  it('refuses bad input with exit 2 and a message saying what is allowed', async () => {
    const input = file('ok.json', JSON.stringify(craftReport('agent_tools')));
    const [since, missing, html] = await Promise.all([
      runCli(['compare', '--since', '90s', input], {}),
      runCli(['compare', join(dir, 'nowhere.json')], {}),
      runCli(['compare', '--html', join(dir, 'no-such-dir', 'page.html'), input], {}),
    ]);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since="90s" is not valid: allowed a whole number of minutes, hours or days such as 30m, 1h or 2d');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read report file ${join(dir, 'nowhere.json')}`);
    expect(html.code).toBe(2);
    expect(html.stderr).toContain('cannot write there');
  });
});

describe('compare on the results queue', () => {
  const prefix = uniquePrefix('compare');
  let queues: PromptRcaQueues;
  const oldReports = craftReports('agent_tools', 5, () => ({ startedAt: minutesAgo(180) }));
  const recent = [
    ...craftReports('direct_invocation', 400, (i) => ({
      startedAt: minutesAgo(5),
      duration: spread(2, i),
      tokens: 1_500,
      facts: 5,
      confidence: 0.86,
    })),
    ...craftReports('agent_tools', 800, (i) => ({ startedAt: minutesAgo(5), duration: spread(10, i), tokens: 6_000, confidence: 0.8 })),
  ];

  beforeAll(async () => {
    queues = await openQueues(prefix);
    const publisher = new ResultsPublisher(queues);
    await Promise.all([...oldReports, ...recent].map((report) => publisher.publish(report)));
    // Another program put something else on the results queue.
    await queues.results.add('agent_tools', { hello: 'world' } as unknown as Report, { jobId: 'stray-job' });
  });

  afterAll(async () => {
    await queues.close();
    await deleteKeys(prefix);
  });

  it('compares the reports on the queue within --since, reports the stray job, and shows progress', async () => {
    const run = await runCli(['compare', '--json', '--since', '30m', '--current-percentage', '50', '--progress'], {
      PROMPTRCA_QUEUE_PREFIX: prefix,
    });
    expect(run.code).toBe(0);
    const result = parsed(run.stdout);
    expect(result.source).toBe(`promptrca-results (prefix ${prefix})`);
    expect(result.read).toBe(1_206);
    expect(result.reports).toBe(1_200);
    expect(result.outside_window).toBe(5);
    expect(result.skipped).toEqual([{ location: 'results job stray-job', reason: expect.stringMatching(/^not a report: /) }]);
    expect(result.comparison.direct_invocation.reports).toBe(400);
    expect(result.verdict.headline).toBe('promote to 100%');
    expect(run.stderr).toContain('compare: read 1,000 of 1,206 entries');
  });

  it('prints no progress when stderr is not a terminal and --progress is not given', async () => {
    const run = await runCli(['compare', '--json'], { PROMPTRCA_QUEUE_PREFIX: prefix });
    expect(parsed(run.stdout).reports).toBe(1_205);
    expect(run.stderr).toBe('');
  });

  it('writes the HTML page next to the table', async () => {
    const page = join(dir, 'queue.html');
    const run = await runCli(['compare', '--since', '30m', '--current-percentage', '50', '--html', page], {
      PROMPTRCA_QUEUE_PREFIX: prefix,
    });
    expect(run.stdout).toContain('Verdict at 50%: promote to 100%');
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<h2>Verdict at 50%: promote to 100%</h2>');
    expect(html.match(/<svg id="chart-/g)).toHaveLength(3);
  });

  it('fails with exit 1 and a clear message when Redis does not answer', async () => {
    const run = await runCli(['compare'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
  });
});
