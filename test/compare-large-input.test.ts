import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReportLines } from '../bench/report-lines.js';
import { doublingEdges } from '../src/report/compare-html.js';
import { runCli } from './support/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'promptrca-compare-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compare over many reports', () => {
  it('finds the duration bins of a million values without spreading them as arguments', () => {
    const durations = Array.from({ length: 1_000_000 }, (_, index) => 0.25 + (index % 1_000) / 10);
    expect(doublingEdges(durations)).toEqual([0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128]);
  });

  // Past about 125,000 values Math.max(...values) overflowed the stack; the file is streamed line by line.
  it('compares 200,000 reports from a JSON-lines file, with the HTML page', async () => {
    const path = join(dir, 'reports.jsonl');
    const html = join(dir, 'compare.html');
    await writeReportLines(path, 200_000);
    const result = await runCli(['compare', path, '--json', '--html', html, '--current-percentage', '50'], {});
    expect(result.code, result.stderr).toBe(0);
    const compared = JSON.parse(result.stdout) as {
      read: number;
      reports: number;
      comparison: Record<string, { reports: number; failed: number }>;
    };
    expect(compared).toMatchObject({ read: 200_000, reports: 200_000 });
    expect(compared.comparison.direct_invocation).toMatchObject({ reports: 100_000, failed: 4_000 });
    expect(readFileSync(html, 'utf8')).toContain('<svg id="chart-duration"');
  }, 120_000);
});
